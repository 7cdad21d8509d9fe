"""The probe's snapshot of every network shape, and the network setting's round trips (URL, CLI, config, checkpoint)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from models.networks import NETWORK_NAMES, NETWORKS
from playground.cli import build_parser
from playground.config import FIELDS, RunConfig, from_mapping, from_query, validate
from playground.engine.live import Record
from playground.engine.probe import probe
from playground.engine.trainer import Trainer
from playground.errors import ConfigError
from playground.io.checkpoint import checkpoint_dict, load_network
from playground.tasks.series import SeriesTask

ROWS = list(NETWORKS.values())


def config_for(row, **changes) -> RunConfig:
    task = "reverse" if row.needs == "source_target" else "lookahead"
    return RunConfig(network=row.name, arch="gru", task=task, seq_len=5, lag=2, hidden=6, batch=8, **changes)


@pytest.mark.parametrize("row", ROWS, ids=NETWORK_NAMES)
def test_the_snapshot_of_every_row_has_its_rows_directions_and_attention(row):
    trainer = Trainer(config_for(row, layers=2))
    trainer.train(3)
    snap = probe(trainer.net, trainer.task, trainer.probe_batch, trainer.step_count)
    rows, T, H = len(row.view_rows(2)), trainer.task.steps, 6
    assert snap.network == row.name and snap.layer_labels == row.view_rows(2) and snap.top_rows == row.top_rows
    assert snap.hidden.shape == (rows, T, 16, H) and snap.grad_norm.shape == (rows, T)
    assert all(g.shape == (rows, T, 16, H) for g in snap.gates.values())
    assert np.isfinite(snap.grad_norm).all() and (snap.grad_norm.max(axis=1) > 0).all()    # every row gets a gradient
    assert snap.top(snap.hidden).shape == (T, 16, row.top_rows * H) and snap.pca.shape == (T, 16, 3)
    assert len(snap.spectral_radius) == rows and np.isfinite(snap.spectral_radius).all() == row.takes_cell
    if snap.attention is not None:
        task = trainer.task                                     # an encoder–decoder's map: decoder × source
        wanted = (T - task.first_output, task.source_steps) if row.needs == "source_target" else (T, T)
        assert snap.attention.shape == (16, *wanted)
        assert np.allclose(snap.attention.sum(-1), 1.0, atol=1e-5)
    assert (snap.attention is not None) == row.attends


def test_the_two_directions_gradients_flow_opposite_ways():
    snap = probe(*(lambda t: (t.net, t.task, t.probe_batch))(Trainer(config_for(NETWORKS["bidirectional"]))))
    forward, backward = snap.grad_norm                          # lookahead scores steps 1..T − lag
    assert forward[-1] == 0 and forward[-2] == 0                 # nothing scored after t = T − lag reads →h
    assert backward[-1] > 0                                      # ←h at the last step feeds every scored step
    assert (snap.jacobian_norm > 0).all()                        # ∂→h_T/∂→h_t: the forward direction has read them all


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_the_network_setting_round_trips_through_url_cli_and_config_files(name):
    config = config_for(NETWORKS[name])
    query = config.to_query()
    assert from_query(query)[0] == config
    assert from_mapping(config.to_dict()) == config
    args = build_parser().parse_args(["train", "--network", name, "--task", config.task, "--seq-len", "5"])
    assert args.network == name and FIELDS["network"].choices == NETWORK_NAMES


def test_a_bad_combination_is_one_line_naming_the_problem():
    with pytest.raises(ConfigError, match="would read the answer") as found:
        validate(RunConfig(network="bidirectional", task="charlm"))
    assert "\n" not in str(found.value)
    with pytest.raises(ConfigError, match="classic cells only"):
        from_mapping({"network": "bidirectional", "arch": "mingru", "task": "lookahead"})
    with pytest.raises(ConfigError, match="source and a target"):
        from_mapping({"network": "seq2seq-dot", "task": "adding"})
    with pytest.raises(ConfigError, match="network must be one of"):
        from_mapping({"network": "sideways"})


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_a_checkpoint_rebuilds_the_same_shape_and_weights(name):
    trainer = Trainer(config_for(NETWORKS[name]))
    trainer.train(2)
    config, net = load_network(checkpoint_dict(trainer.config, trainer.config.task, trainer.net), trainer.task)
    assert config.network == name and type(net) is type(trainer.net)
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), trainer.net.state_dict().values()))


def test_a_record_keeps_both_directions_of_the_last_layer():
    trainer = Trainer(config_for(NETWORKS["bidirectional"]))
    snap = probe(trainer.net, trainer.task, trainer.probe_batch)
    record = Record.of(snap)
    assert record.hidden.shape == (trainer.task.steps, 12) and record.gates["z"].shape == (trainer.task.steps, 12)
    assert np.allclose(record.grad_norm, np.sqrt(snap.grad_norm[0] ** 2 + snap.grad_norm[1] ** 2))


def test_an_uploaded_series_refuses_a_bidirectional_network_when_the_run_starts():
    task = SeriesTask.from_array(np.sin(np.arange(400) / 5.0)[:, None], seq_len=20)
    with pytest.raises(ConfigError, match="would read the answer"):
        Trainer(RunConfig(network="bidirectional", arch="gru", task="custom", seq_len=20), task)
