"""Bidirectional recurrence: the step replay of both directions matches torch's bidirectional kernels,
its ‖∂L/∂h_t‖ per direction matches finite differences, and it solves a task a one-way cell cannot."""
import dataclasses

import pytest
import torch

from models.architectures import ARCHITECTURES
from models.bidirectional import DIRECTIONS, BidirectionalNet, direction_grad_norms
from models.seq2seq import Seq2Seq
from models.network import SequenceNet
from playground.config import RunConfig
from playground.tasks import make_task

CLASSIC = [row for row in ARCHITECTURES.values() if getattr(row, "fused", None) is not None]
IDS = [row.name for row in CLASSIC]


def tiny(row, layers=2, I=3, H=4, O=2, seed=0) -> BidirectionalNet:
    torch.manual_seed(seed)
    return BidirectionalNet(row.name, I, H, layers=layers, output_size=O).double()


@pytest.mark.parametrize("row", CLASSIC, ids=IDS)
def test_the_replay_of_both_directions_matches_torchs_bidirectional_kernel(row):
    net = tiny(row)
    x = torch.randn(5, 7, 3, dtype=torch.float64)
    reference = row.fused(3, 4, 2, batch_first=True, bidirectional=True, **row.fused_options("tanh")).double()
    reference.load_state_dict(net.rnn.state_dict())
    hs, final = reference(x)                                             # (B, T, 2H)
    replay = net.replay(x)
    both = replay.hidden(-1)                                             # (2, T, B, H)
    torch.testing.assert_close(both[0].transpose(0, 1), hs[..., :4], atol=1e-5, rtol=0)
    torch.testing.assert_close(both[1].transpose(0, 1), hs[..., 4:], atol=1e-5, rtol=0)
    torch.testing.assert_close(replay.out, net.head(hs), atol=1e-5, rtol=0)
    torch.testing.assert_close(replay.out, net(x)[0], atol=1e-5, rtol=0)
    h_n = final[0] if row.has_cell_state else final                      # (2L, B, H): layer-major, forward first
    torch.testing.assert_close(h_n[-2], replay.h[-1][0][-1], atol=1e-5, rtol=0)   # forward ends at t = T−1
    torch.testing.assert_close(h_n[-1], replay.h[-1][1][0], atol=1e-5, rtol=0)    # backward ends at t = 0
    if row.has_cell_state:
        torch.testing.assert_close(final[1][-1], replay.c[-1][1][0], atol=1e-5, rtol=0)
    assert [tuple(g) for g in replay.gates[0]] == [row.gates, row.gates] and len(DIRECTIONS) == 2
    flat = replay.as_replay()                                            # directions as layers, for the views
    assert len(flat.h) == len(flat.gates) == len(flat.recurrent) == 4 and flat.out is replay.out
    assert flat.h[3] is replay.h[1][1] and flat.gates[2] is replay.gates[1][0]
    assert len(flat.c) == 4 and bool(flat.c[1]) == row.has_cell_state


@pytest.mark.parametrize("row", CLASSIC, ids=IDS)
def test_grad_norms_per_direction_match_finite_differences(row):
    net = tiny(row, layers=2, I=2, H=3, O=1, seed=1)
    x = torch.randn(2, 5, 2, dtype=torch.float64)
    target = torch.randn(2, 5, 1, dtype=torch.float64)

    def loss_of(offsets=None):
        return ((net.replay(x, offsets=offsets).out - target) ** 2).mean()

    replay = net.replay(x)
    norms = direction_grad_norms(replay, ((replay.out - target) ** 2).mean())
    assert norms.shape == (2, 2, 5)
    zero = torch.zeros(2, 2, 5, 2, 3, dtype=torch.float64, requires_grad=True)
    loss_of(zero).backward()
    torch.testing.assert_close(zero.grad.flatten(3).norm(dim=3), norms, atol=1e-10, rtol=0)
    eps, nudge = 1e-6, torch.randn(2, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    for slot in [(0, 0, 0), (0, 1, 4), (1, 0, 2), (1, 1, 0), (1, 1, 4)]:
        v = torch.zeros_like(zero)
        v[slot] = nudge
        fd = (loss_of(eps * v) - loss_of(-eps * v)) / (2 * eps)
        assert abs(fd.item() - (zero.grad[slot] * nudge).sum().item()) < 1e-8, slot


def test_a_loss_at_the_first_step_reaches_the_backward_direction_at_every_step_and_the_forward_one_once():
    row = CLASSIC[0]
    net = tiny(row, layers=1, seed=3)
    replay = net.replay(torch.randn(3, 6, 3, dtype=torch.float64))
    norms = direction_grad_norms(replay, replay.out[:, 0].sum())[0]      # (2, T)
    forward, backward = norms
    assert forward[0] > 0 and (forward[1:] == 0).all()                   # the past cannot see step 0's loss later
    assert (backward > 0).all()                                          # ←h_t feeds ←h_{t−1}, …, ←h_0
    W = net.head.weight                                                  # (O, 2H): the last step of each direction
    direct = torch.autograd.grad(replay.out[:, 0].sum(), replay.h[0][0][0], retain_graph=True)[0]
    torch.testing.assert_close(direct, W[:, :4].sum(0).expand_as(direct))


def test_a_row_without_a_fused_kernel_is_refused_with_the_cells_that_have_one(monkeypatch):
    row = CLASSIC[0]
    monkeypatch.setitem(ARCHITECTURES, row.name, dataclasses.replace(row, fused=None))
    others = ", ".join(r.label for r in CLASSIC[1:])
    message = f"{row.label} has no fused kernel for this topology: choose one of {others}"
    for build in (lambda: BidirectionalNet(row.name, 2, 3), lambda: Seq2Seq(row.name, 2, 3, output_size=4)):
        with pytest.raises(ValueError, match=message):
            build()


def trained_metric(net, task, steps=300, batch=64, lr=1e-2, seed=0) -> float:
    """Train ``net`` on ``task`` with Adam; its validation metric on a fixed batch."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for _ in range(steps):
        b = task.sample(batch, gen)
        opt.zero_grad()
        task.loss(net(b.x)[0], b).backward()
        opt.step()
    val = task.sample(512, torch.Generator().manual_seed(99), "val")
    with torch.no_grad():
        return task.metric(net(val.x)[0], val)


@pytest.mark.slow
def test_on_the_lookahead_task_a_bidirectional_gru_solves_it_and_a_one_way_gru_stays_at_the_baseline():
    task = make_task(RunConfig(task="lookahead", seq_len=12, lag=2))
    base = task.baseline()
    torch.manual_seed(0)
    bi = BidirectionalNet(arch="gru", input_size=1, hidden=12, output_size=1)
    torch.manual_seed(0)
    one_way = SequenceNet(arch="gru", input_size=1, hidden=24, output_size=1)     # as wide as [→h ; ←h]
    bi_metric, one_way_metric = trained_metric(bi, task), trained_metric(one_way, task)
    print(f"lookahead T=12 lag=2: baseline {base:.4f}, bidirectional GRU {bi_metric:.4f}, "
          f"one-way GRU {one_way_metric:.4f}")
    assert bi_metric < 0.2 * base
    assert one_way_metric > 0.9 * base
