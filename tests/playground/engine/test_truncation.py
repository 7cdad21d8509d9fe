"""Truncated BPTT: the carried state, the cut points, and the probe's gradients stopping there."""
import numpy as np
import pytest
import torch

from models.architectures import ARCH_NAMES, DEFAULT_ARCH
from playground.config import FIELDS, RunConfig, tasks_that_stream
from playground.engine.probe import probe
from playground.engine.trainer import Trainer
from playground.engine.truncation import CarriedState, RandomWindows, cut_points, forward_truncated
from playground.tasks import TASKS
from playground.tasks.base import Batch
from playground.tasks.chartext import CharTextTask

TEXT = "the quick brown fox jumps over the lazy dog. " * 40


def small(arch=DEFAULT_ARCH, tbptt=4, **kw):
    task = CharTextTask.from_text(TEXT, seq_len=kw.pop("seq_len", 12))
    config = RunConfig(arch=arch, task="charlm", seq_len=task.seq_len, hidden=6, batch=4, tbptt=tbptt, seed=3, **kw)
    return Trainer(config, task)


def test_cut_points():
    assert cut_points(12, 4) == [5, 9]
    assert cut_points(12, 5) == [6, 11]
    assert cut_points(12, 0) == [] and cut_points(12, 12) == [] and cut_points(12, 50) == []


def test_only_streaming_tasks_truncate():
    assert tasks_that_stream() == tuple(n for n, cls in TASKS.items() if cls.streams)
    assert "charlm" in tasks_that_stream()
    assert FIELDS["tbptt"].shown_when.values == tasks_that_stream()
    adding = Trainer(RunConfig(task="adding", seq_len=10, hidden=4, tbptt=3))
    assert isinstance(adding.feed, RandomWindows) and adding.truncation == 0
    assert isinstance(small(tbptt=0).feed, RandomWindows)
    assert isinstance(small(tbptt=4).feed, CarriedState)


@pytest.mark.parametrize("batch", [1, 4, 64])
def test_windows_follow_each_other_inside_the_training_text(batch):
    task = CharTextTask.from_text(TEXT, seq_len=12)
    stream = task.windows(batch)
    lo, hi = task.split_bounds("train")
    assert ((stream.starts >= lo) & (stream.starts + stream.count * 12 + 1 <= hi)).all()
    for w in range(stream.count - 1):
        a, b = stream.window(w), stream.window(w + 1)
        assert torch.equal(b.x[:, 0], a.y[:, -1])              # the next window reads on
        assert torch.equal(a.x[:, 1:], a.y[:, :-1])


def states(state) -> tuple:
    """The parts of a recurrent state: (h,) or an LSTM's (h, c)."""
    return state if isinstance(state, tuple) else (state,)


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_state_carries_from_window_to_window(arch):
    trainer = small(arch, tbptt=5)
    stream = trainer.feed.stream
    assert stream.count > 2
    before = {k: v.clone() for k, v in trainer.net.state_dict().items()}
    trainer.step()
    carried = trainer.feed.state
    with torch.no_grad():
        net0 = small(arch, tbptt=5).net
        net0.load_state_dict(before)
        _, last = net0(stream.window(0).x)
    # the next window's first state is the previous window's last state
    for got, want in zip(states(carried), states(last), strict=True):
        torch.testing.assert_close(got, want)
    with torch.no_grad():
        window = stream.window(1)
        from_carried = trainer.task.loss(forward_truncated(trainer.net, window.x, carried, 5)[0], window).item()
        from_zero = trainer.task.loss(trainer.net(window.x)[0], window).item()
    assert trainer.step()["loss"] == pytest.approx(from_carried, rel=1e-6)
    assert abs(from_carried - from_zero) > 1e-6
    for _ in range(stream.count - 2):
        trainer.step()
    assert trainer.step_count % stream.count == 0 and trainer.feed.state is not None
    with torch.no_grad():                                     # a new pass over the text starts from zeros
        batch, out = trainer.feed.next(trainer.net, trainer.step_count)
        assert torch.equal(batch.x, stream.window(0).x)
        torch.testing.assert_close(out, trainer.net(batch.x)[0])


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_probe_gradients_stop_at_the_last_cut(arch):
    trainer = small(arch, tbptt=4, seq_len=14)
    trainer.train(2)
    batch = trainer.probe_batch
    T = batch.x.shape[1]
    last_only = torch.zeros(batch.x.shape, dtype=torch.bool)
    last_only[:, -1] = True                                  # the loss of the last step alone
    snap = probe(trainer.net, trainer.task, Batch(batch.x, batch.y, last_only), cut_every=4)
    assert snap.cuts == [5, 9, 13]
    last_cut = snap.cuts[-1]                                 # steps t ≥ 13 (1-based) are after it
    g, jac = snap.grad_norm[-1], snap.jacobian_norm
    assert (g[:last_cut - 1] == 0).all() and (jac[:last_cut - 1] == 0).all()
    assert (g[last_cut - 1:] > 0).all() and (jac[last_cut - 1:] > 0).all()
    full = probe(trainer.net, trainer.task, Batch(batch.x, batch.y, last_only))
    assert (full.grad_norm[-1] > 0).all() and full.cuts == []
    assert T == 14


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_probe_weight_gradients_match_autograd_with_detach(arch):
    trainer = small(arch, tbptt=4, seq_len=13, layers=2)
    trainer.train(2)
    net, task, batch = trainer.net, trainer.task, trainer.probe_batch
    snap = probe(net, task, batch, cut_every=4)
    net.zero_grad()
    out, _ = forward_truncated(net, batch.x, None, 4)
    task.loss(out, batch).backward()
    for name, param in net.named_parameters():
        assert snap.param_grad_norms[name] == pytest.approx(param.grad.norm().item(), rel=1e-4, abs=1e-9), name
    untruncated = probe(net, task, batch)
    first = next(name for name in snap.param_grad_norms if name.startswith("rnn."))   # W_ih of layer 0, or a scan cell's first
    assert untruncated.param_grad_norms[first] != pytest.approx(snap.param_grad_norms[first], rel=1e-4)
    assert np.isfinite(snap.grad_norm).all()


def test_default_run_is_unchanged_by_the_feed():
    a = Trainer(RunConfig(task="adding", seq_len=8, hidden=4, seed=5))
    b = Trainer(RunConfig(task="adding", seq_len=8, hidden=4, seed=5))
    batch = b.task.sample(b.config.batch, b.data_gen)
    b.optimizer.zero_grad()
    loss = b.task.loss(b.net(batch.x)[0], batch).item()
    assert a.step()["loss"] == pytest.approx(loss, rel=1e-7)
