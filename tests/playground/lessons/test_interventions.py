"""Interventions: identity changes nothing, edits change what they should, bad input is a ConfigError."""
import numpy as np
import torch
import pytest

from models.architectures import ARCH_NAMES, ARCHITECTURES
from playground.config import RunConfig
from playground.errors import ConfigError
from playground.lessons.interventions import (compare_intervention, describe_intervention, make_intervention,
                                      parse_units)
from playground.engine.trainer import Trainer


def trained(arch):
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=10, hidden=6, seed=4))
    trainer.train(3)
    return trainer


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_identity_changes_nothing_and_ablation_silences_units(arch):
    t = trained(arch)
    same = compare_intervention(t.net, t.task, t.probe_batch, make_intervention(arch))
    assert same.loss_change == 0 and np.abs(same.hidden_change()).max() == 0
    cut = compare_intervention(t.net, t.task, t.probe_batch, make_intervention(arch, ablate=(1, 4)))
    assert np.abs(cut.after.hidden[-1][:, :, [1, 4]]).max() == 0
    assert cut.loss_change != 0


def test_forget_gate_clamped_to_one_keeps_the_cell():
    t = trained("lstm")
    r = compare_intervention(t.net, t.task, t.probe_batch, make_intervention("lstm", clamp={"f": 1.0, "i": 0.0}))
    assert np.abs(r.after.cell[-1]).max() == 0           # nothing written, nothing forgotten: c stays 0
    assert (r.after.gates["f"] == 1).all()


def test_zero_recurrence_makes_each_step_see_only_its_input():
    t = trained("rnn")
    r = compare_intervention(t.net, t.task, t.probe_batch, make_intervention("rnn", scale_hh=0.0))
    x, W_ih = t.probe_batch.x.numpy(), t.net.rnn.weight_ih_l0.detach().numpy()
    b = (t.net.rnn.bias_ih_l0 + t.net.rnn.bias_hh_l0).detach().numpy()
    np.testing.assert_allclose(r.after.hidden[0], np.tanh(x @ W_ih.T + b).transpose(1, 0, 2), rtol=1e-5, atol=1e-6)


def test_parse_units_and_bad_input():
    assert parse_units("3, 5-7; 1", 10) == (1, 3, 5, 6, 7)
    assert parse_units("  ", 10) == ()
    for bad in ("x", "3-", "12", "-1"):
        with pytest.raises(ConfigError):
            parse_units(bad, 10)
    with pytest.raises(ConfigError):
        make_intervention("rnn", clamp={"f": 1.0})
    with pytest.raises(ConfigError):
        make_intervention("lstm", clamp={"f": 2.0})
    with pytest.raises(ConfigError):
        make_intervention("gru", scale_hh=float("nan"))
    text = describe_intervention(make_intervention("gru", {"z": 1.0}, (2,), 0.5))
    assert text == "gate z clamped to 1; unit 2 silenced; W_hh scaled by 0.5"


@pytest.mark.parametrize("arch", [name for name, row in ARCHITECTURES.items() if not row.has_recurrent_matrix])
def test_a_cell_without_w_hh_refuses_a_scale_and_takes_an_ablation(arch):
    with pytest.raises(ConfigError, match="has no recurrent matrix W_hh to scale") as caught:
        make_intervention(arch, scale_hh=0.5)
    assert "\n" not in str(caught.value)
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=8, hidden=4, batch=4))
    result = compare_intervention(trainer.net, trainer.task, trainer.probe_batch, make_intervention(arch, ablate=(1,)))
    assert (result.after.hidden[-1][:, :, 1] == 0).all() and result.after.loss != result.before.loss


@pytest.mark.parametrize("arch", [name for name, row in ARCHITECTURES.items() if "delta" in row.clampable])
def test_a_step_size_clamped_to_zero_writes_nothing_so_earlier_inputs_do_not_reach_h(arch):
    """S6 with Δ = 0: exp(0·A) = 1 keeps s_0 = 0 and Δ·u·B writes nothing, so h_t = D u_t reads x_t alone."""
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=6, hidden=4, layers=1))
    x = trainer.val_batch.x[:2].clone()
    changed = x.clone()
    changed[:, 0] += 1.0                                     # a different first input
    iv = make_intervention(arch, {"delta": 0.0})
    with torch.no_grad():
        out, moved = (trainer.net.replay(v, iv).h[0][-1] for v in (x, changed))
        free, free_moved = (trainer.net.replay(v).h[0][-1] for v in (x, changed))
    assert torch.allclose(out, moved) and not torch.allclose(free, free_moved)
    assert "Δ" in describe_intervention(iv) or "delta" in describe_intervention(iv)
