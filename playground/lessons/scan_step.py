r"""One step of a scan cell (a row of the architecture table without W_hh), with its numbers.

What "Inside the cell" shows for minGRU, minLSTM, the LRU and S6: the cell's equations (the
``.. math::`` block of its module's docstring, where the cell is written from its paper) and
every quantity of them at one timestep, per unit. The cell is stepped by its row's own ``step``
(what the replay and the views read); the quantities the step does not return (the LRU's λ and
y_t, S6's B_t and C_t, minLSTM's normalised gates) are computed here from the same weights, and
the tests check them against the step's output (e.g. h_t = GELU(y_t), s_t = e^{Δ_t A} s_{t−1} + Δ_t u_t B_t).

``QUANTITIES`` is a table keyed by the cell class, as the W_hh cells' lessons are
(``playground.lessons.cell_latex``); a new scan cell adds its row here.
"""
from __future__ import annotations

import copy
import math
import sys
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from models.architectures import ARCH_NAMES, Architecture, architecture
from models.lru_cell import LRUCell, lru_eigenvalues
from models.mingru_cell import MinGRUCell
from models.minlstm_cell import MinLSTMCell
from models.s6_cell import S6Cell
from playground.errors import ConfigError

MAX_HIDDEN, MAX_INPUT = 4, 2       # the tiny network's sizes, as the W_hh cells' (``cell_trace``)


@dataclass(frozen=True)
class Quantity:
    """One quantity of a step: its LaTeX symbol, its word and its value for sequence 0.

    value: (H,) one number per unit, (H, N) a vector per unit (S6's state), or (N,) one vector shared
    by every unit (S6's B_t and C_t: ``per_unit`` False). Complex for the LRU's λ and x_t.
    """

    symbol: str
    word: str
    value: np.ndarray
    per_unit: bool = True

    def at(self, unit: int) -> np.ndarray:
        """The value unit ``unit`` reads (the whole vector when it is shared)."""
        return self.value[unit] if self.per_unit else self.value


def _vec(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach()[0].numpy().copy()


def _mingru(x_t, before, after, gates, weights) -> list[Quantity]:
    return [Quantity("h_{t-1}", "previous state", _vec(before)), Quantity("z_t", "update gate", _vec(gates["z"])),
            Quantity("n_t", "candidate", _vec(gates["n"])), Quantity("h_t", "new state", _vec(after))]


def _minlstm(x_t, before, after, gates, weights) -> list[Quantity]:
    f, i = gates["f"], gates["i"]
    return [Quantity("h_{t-1}", "previous state", _vec(before)), Quantity("f_t", "forget gate", _vec(f)),
            Quantity("i_t", "input gate", _vec(i)), Quantity("f'_t", "normalised forget", _vec(f / (f + i))),
            Quantity("i'_t", "normalised input", _vec(i / (f + i))), Quantity("g_t", "candidate", _vec(gates["g"])),
            Quantity("h_t", "new state", _vec(after))]


def _lru(u_t, before, after, gates, weights) -> list[Quantity]:
    nu_log, theta_log, _, weight_in, C = weights
    H = nu_log.shape[0]
    du = F.linear(u_t, weight_in)[:, 2 * H:]
    x = after[1]
    y = F.linear(x.real, C[:, :H]) - F.linear(x.imag, C[:, H:]) + du
    return [Quantity(r"\lambda", "eigenvalue", lru_eigenvalues(nu_log, theta_log).detach().numpy().copy()),
            Quantity("x_{t-1}", "previous state", _vec(before[1])), Quantity("x_t", "new state", _vec(x)),
            Quantity("y_t", "read-out", _vec(y)), Quantity("h_t", "output GELU(y_t)", _vec(after[0]))]


def _s6(x_t, before, after, gates, weights) -> list[Quantity]:
    weight_in, weight_x, bias_delta, A_log, D = weights
    H = weight_in.shape[0]
    p = S6Cell.project(x_t, *weights)
    N = (p.shape[-1] - 2 * H) // 2
    return [Quantity("u_t", "channel input", _vec(p[:, :H])), Quantity(r"\Delta_t", "step size", _vec(gates["delta"])),
            Quantity("B_t", "write vector (every channel)", _vec(p[:, 2 * H:2 * H + N]), per_unit=False),
            Quantity("C_t", "read vector (every channel)", _vec(p[:, 2 * H + N:]), per_unit=False),
            Quantity("A", "diagonal of A", (-torch.exp(A_log)).detach().numpy().copy()),
            Quantity("D", "skip weight", D.detach().numpy().copy()),
            Quantity("s_{t-1}", "previous state", _vec(before[1])), Quantity("s_t", "new state", _vec(after[1])),
            Quantity("h_t", "output", _vec(after[0]))]


QUANTITIES: dict[type, Callable[..., list[Quantity]]] = {
    MinGRUCell: _mingru, MinLSTMCell: _minlstm, LRUCell: _lru, S6Cell: _s6,
}
SCAN_ARCHS = tuple(name for name in ARCH_NAMES if architecture(name).cell in QUANTITIES)


@dataclass(frozen=True)
class ScanSpec:
    """The tiny network of a scan cell: which cell, its sizes and the seed of its weights."""

    arch: str
    hidden: int = 3
    input_size: int = 1
    seed: int = 0

    def __post_init__(self):
        if self.arch not in SCAN_ARCHS:
            raise ConfigError(f"arch must be one of {', '.join(SCAN_ARCHS)}, the cells trained by a scan "
                              f"(got '{self.arch}')")
        for name, high in (("hidden", MAX_HIDDEN), ("input_size", MAX_INPUT)):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= high:
                raise ConfigError(f"{name} must be a whole number from 1 to {high} (got {value!r})")


@dataclass
class ScanTrace:
    """A scan cell stepped over one sequence: x (T, I) and, per step, its quantities."""

    arch: str
    x: np.ndarray
    steps: list[list[Quantity]] = field(default_factory=list)

    @property
    def T(self) -> int:
        """Number of timesteps."""
        return len(self.steps)


def cell_equations(row: Architecture) -> str:
    """The ``.. math::`` block of the cell's module docstring, as one LaTeX string (lines joined by ``\\``)."""
    doc = sys.modules[row.cell.__module__].__doc__ or ""
    lines, inside = [], False
    for line in doc.splitlines():
        if line.strip() == ".. math::":
            inside = True
        elif inside and line.strip():
            lines.append(line.strip())
        elif inside and lines:
            break
    return " ".join(line[:-1].rstrip() + r"\ " if line.endswith("\\") and not line.endswith("\\\\") else line
                    for line in lines)


def trace_layer(row: Architecture, weights, x: torch.Tensor, hidden: int) -> ScanTrace:
    """Step ``row``'s cell of ``hidden`` units over ``x`` (T, I) (one sequence) with ``weights``; every step's quantities."""
    quantities = QUANTITIES[row.cell]
    xs = x.unsqueeze(0)                                                     # (1, T, I)
    state = row.zero_state(xs.new_zeros(1, hidden))
    trace = ScanTrace(row.name, x.detach().numpy().copy())
    with torch.no_grad():
        for t in range(xs.shape[1]):
            x_t = xs[:, t]
            new, gates = row.step(x_t, state, *weights)
            trace.steps.append(quantities(x_t, state, new, gates, weights))
            state = new
    return trace


def tiny_trace(spec: ScanSpec, x: np.ndarray) -> ScanTrace:
    """The tiny network's cell (float64, weights drawn by the cell's own initialisation from ``seed``) over ``x``."""
    row = architecture(spec.arch)
    cell = row.cell(spec.input_size, spec.hidden).double()
    cell.reset_parameters(torch.Generator().manual_seed(spec.seed))
    return trace_layer(row, tuple(w.detach() for w in cell.weights()), torch.as_tensor(x, dtype=torch.float64),
                       spec.hidden)


def model_trace(net, x: torch.Tensor, seq: int, layer: int) -> ScanTrace:
    """Layer ``layer`` of a trained scan-cell network on sequence ``seq`` of the batch input ``x``, in float64."""
    row = net.architecture
    if row.cell not in QUANTITIES:
        raise ConfigError(f"the {row.label} has no step table here: its cell must be one of "
                          f"{', '.join(SCAN_ARCHS)}")
    net64 = copy.deepcopy(net).double()
    xs = x[seq:seq + 1] if not x.is_floating_point() else x[seq:seq + 1].double()
    with torch.no_grad():
        rep = net64.replay(xs)
        layer_in = rep.embedded if layer == 0 else torch.stack(rep.h[layer - 1], dim=1)   # (1, T, I)
    return trace_layer(row, tuple(w.detach() for w in net64.layer_weights(layer)), layer_in[0], net.hidden)


def shown(value: np.ndarray) -> str:
    """A value as the page writes it: a number, a complex number as re + im i (|·|, arg), or a short vector."""
    value = np.asarray(value)
    if value.ndim:
        return "(" + ", ".join(shown(v) for v in value) + ")"
    if np.iscomplexobj(value):
        z = complex(value)
        return f"{z.real:.4g} {'+' if z.imag >= 0 else '−'} {abs(z.imag):.4g}i (|·| {abs(z):.4g}, arg {math.atan2(z.imag, z.real):.3g})"
    return f"{float(value):.4g}"
