"""The causal self-attention row of the network table: it trains through the Trainer, its replay is what
its forward computes, its map is causal with rows summing to 1, and the probe gives the views true shapes."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from models.networks import NETWORKS
from playground.config import RunConfig, from_mapping, from_query
from playground.engine.probe import probe
from playground.engine.trainer import Trainer
from playground.io.checkpoint import checkpoint_dict, load_network
from playground.tasks import TASKS

ROW = next(row for row in NETWORKS.values() if not row.takes_cell)
NAME = ROW.name


def trainer_for(task: str = "copy", steps: int = 3, **changes) -> Trainer:
    settings = dict(network=NAME, arch="lstm", task=task, seq_len=8, lag=3, hidden=8, batch=8) | changes
    trainer = Trainer(RunConfig(**settings))
    trainer.train(steps)
    return trainer


def test_the_row_says_it_has_no_cell_and_attends():
    assert ROW.attends and not ROW.takes_cell and ROW.no_cell and "\n" not in ROW.no_cell
    assert ROW.view_rows(3) == ["attention"] and ROW.top_rows == 1 and not ROW.unit_view


@pytest.mark.parametrize("task", ["copy", "charlm", "sine", "adding"])
def test_it_trains_through_the_trainer_and_its_snapshot_has_the_views_shapes(task):
    trainer = trainer_for(task, steps=4)
    snap = probe(trainer.net, trainer.task, trainer.probe_batch, trainer.step_count)
    T, B = trainer.task.steps, trainer.probe_batch.x.shape[0]
    assert snap.network == NAME and snap.layer_labels == ["attention"]
    assert snap.hidden.shape == (1, T, B, 8) and snap.grad_norm.shape == (1, T)
    assert np.isfinite(snap.loss) and snap.gates == {} and snap.cell is None and snap.saturation == {}
    assert snap.eigenvalues == [None] and np.isnan(snap.spectral_radius).all()
    assert np.isfinite(snap.grad_norm).all() and (snap.grad_norm > 0).all()
    assert snap.attention.shape == (B, T, T) and snap.pca.shape == (T, B, 3)


def test_the_attention_rows_sum_to_one_and_never_read_a_later_step():
    snap = probe(*(lambda t: (t.net, t.task, t.probe_batch))(trainer_for()))
    assert np.allclose(snap.attention.sum(-1), 1.0, atol=1e-5)
    assert np.all(np.triu(snap.attention, k=1) == 0)                        # zero above the diagonal
    assert np.all(np.diagonal(snap.attention, axis1=1, axis2=2) > 0)


def test_the_replay_is_the_forward_and_its_gradient_is_autograds_at_the_inputs():
    trainer = trainer_for()
    net, task, batch = trainer.net, trainer.task, trainer.probe_batch
    with torch.no_grad():
        replay, (out, _) = net.replay(batch.x), net(batch.x)
    assert torch.allclose(replay.out, out, atol=1e-6)
    z = (net.embed(batch.x) + net.position[:task.steps]).detach().requires_grad_()
    attended, _ = net.attention(z)
    task.loss(net.head(z + attended), batch).backward()                   # ∂L/∂z_t, every later step included
    snap = probe(net, task, batch)
    assert np.allclose(snap.grad_norm[0], z.grad.transpose(0, 1).flatten(1).norm(dim=1), rtol=1e-4, atol=1e-7)
    assert np.allclose(snap.hidden[0].transpose(1, 0, 2), (z + attended).detach().numpy(), atol=1e-5)


def test_a_later_input_changes_no_earlier_output():
    net = trainer_for().net
    x = torch.randint(0, net.embed.num_embeddings, (2, 8), generator=torch.Generator().manual_seed(0))
    changed = x.clone()
    changed[:, 5:] = (changed[:, 5:] + 1) % net.embed.num_embeddings
    with torch.no_grad():
        assert torch.allclose(net(x)[0][:, :5], net(changed)[0][:, :5], atol=1e-6)


def test_forecasting_is_fair_and_no_task_is_refused():
    """Causal: position t reads steps ≤ t, so a task whose targets are later inputs is not refused."""
    assert all(ROW.problem(arch, cls) == "" for cls in TASKS.values() for arch in ("gru", "lru"))


def test_the_settings_round_trip_through_url_mapping_and_a_checkpoint():
    trainer = trainer_for()
    config = trainer.config
    assert from_query(config.to_query())[0] == config and from_mapping(config.to_dict()) == config
    back, net = load_network(checkpoint_dict(config, config.task, trainer.net), trainer.task)
    assert back.network == NAME and type(net) is type(trainer.net)
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), trainer.net.state_dict().values()))


def test_an_intervention_is_refused_in_one_line():
    from models.network import Intervention
    trainer = trainer_for()
    with pytest.raises(ValueError, match="one-way network"):
        trainer.net.replay(trainer.probe_batch.x, Intervention(ablate=(0,)))
