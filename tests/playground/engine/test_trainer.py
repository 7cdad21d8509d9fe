"""The trainer: reproducible, divergence-safe, changeable mid-run; every arch × task trains."""
import math

import pytest

import torch

from models.architectures import ARCH_NAMES
from playground.config import RunConfig
from playground.errors import DivergenceError
from playground.tasks import TASKS
from playground.engine.trainer import Trainer


def test_same_seed_same_history():
    a = Trainer(RunConfig(arch="gru", task="adding", seq_len=10, hidden=8, seed=3))
    b = Trainer(RunConfig(arch="gru", task="adding", seq_len=10, hidden=8, seed=3))
    torch.manual_seed(123)  # the global RNG must not matter
    a.train(5)
    torch.manual_seed(456)
    b.train(5)
    assert [r["loss"] for r in a.history] == [r["loss"] for r in b.history]
    c = Trainer(RunConfig(arch="gru", task="adding", seq_len=10, hidden=8, seed=4))
    c.train(5)
    assert [r["loss"] for r in c.history] != [r["loss"] for r in a.history]


def test_divergence_stops_with_typed_error_and_keeps_finite_weights():
    trainer = Trainer(RunConfig(arch="rnn", task="adding", seq_len=10, hidden=8, optimizer="sgd", lr=10.0,
                                init="spectral", radius=3.0, activation="relu"))
    with pytest.raises(DivergenceError, match="kept the last finite weights"):
        for _ in range(200):
            trainer.step()
    assert all(torch.isfinite(p).all() for p in trainer.net.parameters())
    assert all(math.isfinite(r["loss"]) for r in trainer.history)
    assert len(trainer.history_frame()) == trainer.step_count


def test_lr_and_clip_change_without_reset():
    trainer = Trainer(RunConfig(task="adding", seq_len=10, hidden=8))
    trainer.train(2)
    weights = [p.detach().clone() for p in trainer.net.parameters()]
    trainer.apply_live({"lr": 0.001, "clip": 0.5})
    row = trainer.step()
    assert row["lr"] == 0.001 and row["clip"] == 0.5 and row["step"] == 3
    assert trainer.optimizer.param_groups[0]["lr"] == 0.001
    assert any(not torch.equal(a, b) for a, b in zip(weights, trainer.net.parameters()))


def test_validation_every_n_steps():
    trainer = Trainer(RunConfig(task="adding", seq_len=8, hidden=4), val_every=3)
    trainer.train(6)
    frame = trainer.history_frame()
    assert frame["val_metric"].notna().tolist() == [False, False, True, False, False, True]


@pytest.mark.parametrize("arch", ARCH_NAMES)
@pytest.mark.parametrize("task", list(TASKS))
def test_every_arch_and_task_dry_runs_two_steps(arch, task):
    trainer = Trainer(RunConfig(arch=arch, task=task, hidden=8, batch=4, seq_len=20, lag=5))
    trainer.train(2)
    assert trainer.step_count == 2 and math.isfinite(trainer.history[-1]["loss"])
    assert math.isfinite(trainer.validate())
