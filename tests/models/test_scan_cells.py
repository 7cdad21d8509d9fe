"""The scan cells (rows without a fused kernel): the parallel scan agrees with a plain loop of the
step to 1e-5 (float64), its gradients with autograd through that loop and with finite
differences, and each cell learns the adding task below its baseline."""
import math

import pytest
import torch

from models.architectures import ARCH_NAMES, ARCHITECTURES, architecture
from models.lru_cell import MAX_PHASE, R_MAX, R_MIN
from models.scan import linear_scan, log_cumsum_exp, log_space_scan
from playground.config import RunConfig
from playground.engine.trainer import Trainer

SCAN_ROWS = [row for row in ARCHITECTURES.values() if row.fused is None]
IDS = [row.name for row in SCAN_ROWS]


def loop(a, b, h0):
    """h_t = a_t ⊙ h_{t−1} + b_t, one t at a time."""
    h, out = h0, []
    for t in range(b.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, dim=1)


def test_the_log_space_scan_is_the_recurrence():
    gen = torch.Generator().manual_seed(0)
    a = torch.rand(3, 300, 4, generator=gen, dtype=torch.float64) * 0.9 + 0.05
    b = torch.rand(3, 300, 4, generator=gen, dtype=torch.float64) + 0.01
    h0 = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(log_space_scan(a.log(), b.log(), h0), loop(a, b, h0), rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(log_space_scan(a.log(), b.log()), loop(a, b, torch.zeros_like(h0)),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("T", [1, 2, 7, 64, 300])
def test_the_associative_scan_is_the_recurrence_for_complex_coefficients(T):
    gen = torch.Generator().manual_seed(T)
    a = torch.polar(torch.rand(2, T, 3, generator=gen, dtype=torch.float64),
                    torch.rand(2, T, 3, generator=gen, dtype=torch.float64) * 6)
    b = torch.randn(2, T, 3, generator=gen, dtype=torch.complex128)
    h0 = torch.randn(2, 3, generator=gen, dtype=torch.complex128)
    torch.testing.assert_close(linear_scan(a, b, h0), loop(a, b, h0), rtol=1e-9, atol=1e-12)


def cell_and_inputs(row, T=37, B=3, I=2, H=4, seed=0):
    torch.manual_seed(seed)
    cell = row.cell(I, H).double()
    x = torch.randn(B, T, I, dtype=torch.float64)
    start = row.zero_state(torch.zeros(B, H, dtype=torch.float64))
    start = tuple(torch.randn_like(s) for s in start) if isinstance(start, tuple) else torch.randn_like(start)
    return cell, x, start


def step_loop(row, cell, x, state):
    """Every h_t and the last state, by the row's step one t at a time (the replay's path)."""
    hs = []
    for t in range(x.shape[1]):
        state, gates = row.step(x[:, t], state, *cell.weights())
        hs.append(gates["h"])
    return torch.stack(hs, dim=1), state


def flat(state):
    return list(state) if isinstance(state, tuple) else [state]


@pytest.mark.parametrize("row", SCAN_ROWS, ids=IDS)
@pytest.mark.parametrize("T", [1, 37, 256])
def test_the_scan_agrees_with_the_step_loop(row, T):
    cell, x, start = cell_and_inputs(row, T=T)
    by_scan, last_scan = cell.scan(x, start)
    by_loop, last_loop = step_loop(row, cell, x, start)
    torch.testing.assert_close(by_scan, by_loop, rtol=0, atol=1e-5)
    assert torch.allclose(by_scan, by_loop, rtol=1e-9, atol=1e-9)          # far inside 1e-5 in float64
    for a, b in zip(flat(last_scan), flat(last_loop)):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-5)
    from_zero, _ = cell.scan(x)
    torch.testing.assert_close(from_zero, step_loop(row, cell, x, row.zero_state(torch.zeros_like(by_scan[:, 0])))[0],
                               rtol=0, atol=1e-5)


@pytest.mark.parametrize("row", SCAN_ROWS, ids=IDS)
def test_the_scans_gradients_are_autograds_through_the_step_loop(row):
    cell, x, start = cell_and_inputs(row, T=29)
    x.requires_grad_()
    start = tuple(s.requires_grad_() for s in start) if isinstance(start, tuple) else start.requires_grad_()
    weight = torch.randn(29, 4, dtype=torch.float64)
    inputs = [*cell.parameters(), x, *flat(start)]
    by_scan = torch.autograd.grad((cell.scan(x, start)[0] * weight).sum(), inputs, allow_unused=True)
    by_loop = torch.autograd.grad((step_loop(row, cell, x, start)[0] * weight).sum(), inputs, allow_unused=True)
    for g_scan, g_loop in zip(by_scan, by_loop):
        if g_loop is None:                           # a start part the output never reads (the LRU's h_0)
            assert g_scan is None or not g_scan.abs().any()
            continue
        torch.testing.assert_close(g_scan, g_loop, rtol=1e-5, atol=1e-10)


@pytest.mark.parametrize("row", SCAN_ROWS, ids=IDS)
def test_the_scans_gradients_match_finite_differences(row):
    cell, x, _ = cell_and_inputs(row, T=9, B=2, H=3)
    names, params = zip(*cell.named_parameters())

    def output(*values):
        with torch.no_grad():
            for p, v in zip(params, values):
                p.copy_(v)
        return cell.scan(x)[0]

    original = [p.detach().clone() for p in params]
    grads = torch.autograd.grad(cell.scan(x)[0].sin().sum(), params)
    eps = 1e-6
    for name, p, g in zip(names, params, grads):
        for k in range(min(p.numel(), 4)):
            shifted = [v.clone() for v in original]
            shifted[names.index(name)].view(-1)[k] += eps
            up = output(*shifted).sin().sum()
            shifted[names.index(name)].view(-1)[k] -= 2 * eps
            down = output(*shifted).sin().sum()
            output(*original)
            assert (up - down).item() / (2 * eps) == pytest.approx(g.view(-1)[k].item(), rel=1e-5, abs=1e-8), name


def test_the_lru_starts_on_its_ring_with_the_normalisation():
    cell = architecture("lru").cell(3, 500)
    modulus = cell.eigenvalues().abs()
    assert R_MIN <= modulus.min() and modulus.max() <= R_MAX
    assert modulus.min() < R_MIN + 0.05 and modulus.max() > R_MAX - 0.02      # the whole ring is drawn
    phase = cell.eigenvalues().angle() % (2 * math.pi)
    assert phase.max() <= MAX_PHASE + 1e-6
    torch.testing.assert_close(torch.exp(cell.gamma_log), torch.sqrt(1 - modulus ** 2), rtol=1e-5, atol=1e-6)


def test_the_lru_output_is_gelu_of_the_real_part_of_c_x_plus_d_u():
    torch.manual_seed(1)
    cell = architecture("lru").cell(2, 3).double()
    u = torch.randn(1, 4, 2, dtype=torch.float64)
    lam = cell.eigenvalues()
    B = torch.complex(cell.weight_in[:3], cell.weight_in[3:6])
    C = torch.complex(cell.C[:, :3], cell.C[:, 3:])
    x = torch.zeros(3, dtype=torch.complex128)
    for t in range(4):
        x = lam * x + torch.exp(cell.gamma_log) * (B @ u[0, t].to(torch.complex128))
    expected = torch.nn.functional.gelu((C @ x).real + cell.weight_in[6:] @ u[0, -1])
    torch.testing.assert_close(cell.scan(u)[0][0, -1], expected)


@pytest.mark.slow
@pytest.mark.parametrize("arch", [row.name for row in SCAN_ROWS])
def test_the_scan_cell_learns_the_adding_task_below_the_baseline(arch):
    """Two layers: the LRU's recurrence is linear, and the adding task's value × marker product
    needs a non-linearity before the sum over time (its first layer's GELU). S6 gets there slowest."""
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=10, hidden=16, layers=2, batch=32, lr=0.02, seed=0))
    trainer.train(300)
    mse = trainer.validate()
    assert mse < 0.5 * trainer.task.baseline(), (arch, mse, trainer.task.baseline())   # minGRU, minLSTM, LRU: < 0.02×


def test_every_scan_row_is_in_the_table_names():
    assert set(IDS) <= set(ARCH_NAMES) and IDS


def test_the_log_cumsum_exp_is_torchs():
    v = torch.randn(3, 300, 5, generator=torch.Generator().manual_seed(2), dtype=torch.float64) * 40
    torch.testing.assert_close(log_cumsum_exp(v), torch.logcumsumexp(v, dim=1), rtol=1e-12, atol=1e-10)
