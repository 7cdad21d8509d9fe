"""A scan cell's step with its numbers (the cell page and the one-unit view), checked against the cell itself."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from models.architectures import ARCHITECTURES, architecture
from models.lru_cell import LRUCell
from models.mingru_cell import MinGRUCell
from models.minlstm_cell import MinLSTMCell
from models.network import build_network
from models.s6_cell import S6Cell
from playground.config import RunConfig
from playground.engine.trainer import probe_batch_for
from playground.errors import ConfigError
from playground.lessons.scan_step import (QUANTITIES, SCAN_ARCHS, ScanSpec, cell_equations, model_trace, shown,
                                          tiny_trace)
from playground.tasks import make_task

SCAN_ROWS = [name for name, row in ARCHITECTURES.items() if not row.has_recurrent_matrix]
X = np.array([[0.5, -1.0], [1.0, 0.25], [-0.75, 2.0], [0.0, 1.0]])


def _named(step):
    return {q.symbol: q.value for q in step}


def _mingru(q, prev):
    return np.allclose(q["h_t"], (1 - q["z_t"]) * q["h_{t-1}"] + q["z_t"] * q["n_t"])


def _minlstm(q, prev):
    f, i = q["f_t"], q["i_t"]
    return np.allclose(q["f'_t"], f / (f + i)) and np.allclose(q["h_t"], q["f'_t"] * q["h_{t-1}"] + q["i'_t"] * q["g_t"])


def _lru(q, prev):
    gelu = F.gelu(torch.from_numpy(q["y_t"])).numpy()
    moved = prev is None or not np.allclose(q["x_t"], q["x_{t-1}"])
    return np.allclose(q["h_t"], gelu) and moved and np.all(np.abs(q[r"\lambda"]) < 1)


def _s6(q, prev):
    delta, u = q[r"\Delta_t"], q["u_t"]
    s = np.exp(delta[:, None] * q["A"]) * q["s_{t-1}"] + (delta * u)[:, None] * q["B_t"][None, :]
    return np.allclose(q["s_t"], s) and np.allclose(q["h_t"], (q["s_t"] * q["C_t"]).sum(-1) + q["D"] * u)


EQUATIONS = {MinGRUCell: _mingru, MinLSTMCell: _minlstm, LRUCell: _lru, S6Cell: _s6}


def test_every_scan_row_has_a_step_table():
    assert set(SCAN_ARCHS) == set(SCAN_ROWS) and set(QUANTITIES) == set(EQUATIONS)


@pytest.mark.parametrize("arch", SCAN_ROWS)
def test_the_tiny_step_follows_the_cells_equations_and_its_scan(arch):
    spec = ScanSpec(arch, hidden=3, input_size=2, seed=1)
    trace = tiny_trace(spec, X)
    row = architecture(arch)
    assert trace.T == len(X)
    prev = None
    for step in trace.steps:
        q = _named(step)
        assert EQUATIONS[row.cell](q, prev), arch
        assert step[-1].symbol == "h_t" and step[-1].value.shape == (3,)
        prev = q
    cell = row.cell(2, 3).double()                       # the same weights, trained by the parallel scan
    cell.reset_parameters(torch.Generator().manual_seed(1))
    h, _ = cell.scan(torch.from_numpy(X).unsqueeze(0))
    np.testing.assert_allclose(np.stack([s[-1].value for s in trace.steps]), h[0].detach().numpy(), atol=1e-10)


@pytest.mark.parametrize("arch", SCAN_ROWS)
def test_a_trained_models_unit_is_its_replays(arch):
    config = RunConfig(arch=arch, task="adding", seq_len=6, hidden=4, layers=2)
    task = make_task(config)
    net = build_network(config, task, torch.Generator().manual_seed(0))
    batch = probe_batch_for(config, task)
    with torch.no_grad():
        rep = net.replay(batch.x)
    for layer in (0, 1):
        trace = model_trace(net, batch.x, 2, layer)
        got = np.stack([s[-1].value for s in trace.steps])
        want = torch.stack([h[2] for h in rep.h[layer]]).numpy()
        np.testing.assert_allclose(got, want, atol=1e-5)


@pytest.mark.parametrize("arch", SCAN_ROWS)
def test_the_equations_come_from_the_cells_docstring(arch):
    latex = cell_equations(architecture(arch))
    assert "h_t" in latex or "h_{t,c}" in latex
    assert "\n" not in latex and ".. math" not in latex


def test_bad_specs_and_values_read_in_one_line():
    for bad in (dict(arch=SCAN_ROWS[0], hidden=9), dict(arch="nope")):
        with pytest.raises(ConfigError) as err:
            ScanSpec(**bad)
        assert "\n" not in str(err.value)
    assert shown(np.array(0.5)) == "0.5" and "i (|·| 1" in shown(np.array(1j))
