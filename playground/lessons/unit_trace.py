r"""One unit of a trained model at one timestep: its equations with the model's own numbers.

The "Inside the cell" page shows this for the session's model, whatever its size. For
unit k of layer l at step t of probe sequence s, ``unit_step`` returns the unit's rows of
the stacked weights (one row of W_ih and of W_hh per gate, PyTorch's gate order), the
layer's input x_t and previous state h_{t-1} (c_{t-1}), each gate's two terms and
pre-activation computed here in float64 numpy, and, for comparison, the same quantities
as the model's own replay computed them (``model``). For the LSTM, unit k's gates are

    a^f_k = W_if[k]·x_t + b_if[k] + W_hf[k]·h_{t−1} + b_hf[k],   f_k = σ(a^f_k)   (i, o alike; g with tanh)
    c_k   = f_k c_{t−1,k} + i_k g_k,                             h_k = o_k tanh(c_k)

The backward terms are those of the probe batch's loss (the loss the app trains on), by
autograd through the replay: dL/dh_t[k] in total and its direct part through the readout
(last layer only; the rest arrives from later steps and the layer above), dL/dc_t[k] for
the LSTM, and for each gate dL/d(gate) and dL/d(pre-activation). The whole replay runs on a
float64 copy of the model, so the numbers shown and the model's agree to rounding.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import numpy as np
import torch

from models import GRUCell, LSTMCell, RNNCell
from models.architectures import SIGMOID_GATES, OfArchitecture
from models.network import SequenceNet
from playground.errors import ConfigError
from playground.links import UNIT_PARAMS
from playground.strict_numbers import whole_number
from playground.tasks.base import Batch, Task

REPLAY_NAME = {"a": "pre"}                  # the replay records the RNN's pre-activation as "pre"


@dataclass(frozen=True)
class UnitRef:
    """Which unit: probe sequence ``seq``, layer ``layer``, timestep ``t`` and unit ``unit`` (all 0-based)."""

    seq: int = 0
    layer: int = 0
    t: int = 0
    unit: int = 0


@dataclass
class UnitStep(OfArchitecture):
    """One unit at one step (see the module docstring). Vectors are float64 numpy arrays.

    x: (I,) the layer's input at t. h_prev: (H,). c_prev: float (LSTM) or None.
    W_i[gate]: (I,) and W_h[gate]: (H,) the unit's rows; b_i[gate], b_h[gate]: its biases.
    x_term[gate] = W_i·x + b_i, h_term[gate] = W_h·h_prev + b_h; pre[gate]: the pre-activation
    (GRU n: x_term + r·h_term); out[gate]: the gate's value; h, c: the unit's new state.
    model: the replay's own values of the same names. grads: "dh", "dh_direct", "dh_rest",
    "dc" (LSTM), "d_<gate>" and "da_<gate>".
    """

    arch: str
    activation: str
    ref: UnitRef
    x: np.ndarray
    h_prev: np.ndarray
    c_prev: float | None
    W_i: dict[str, np.ndarray] = field(default_factory=dict)
    W_h: dict[str, np.ndarray] = field(default_factory=dict)
    b_i: dict[str, float] = field(default_factory=dict)
    b_h: dict[str, float] = field(default_factory=dict)
    x_term: dict[str, float] = field(default_factory=dict)
    h_term: dict[str, float] = field(default_factory=dict)
    pre: dict[str, float] = field(default_factory=dict)
    out: dict[str, float] = field(default_factory=dict)
    h: float = 0.0
    c: float | None = None
    model: dict[str, float] = field(default_factory=dict)
    grads: dict[str, float] = field(default_factory=dict)

    @property
    def gates(self) -> tuple[str, ...]:
        """The gate blocks of this architecture, in PyTorch's order."""
        return self.architecture.blocks

    def top_recurrent(self, gate: str, n: int = 5) -> list[tuple[int, float, float, float]]:
        """The ``n`` largest terms of W_h[gate]·h_prev: (unit j, weight, h_prev[j], product)."""
        products = self.W_h[gate] * self.h_prev
        order = np.argsort(-np.abs(products))[:n]
        return [(int(j), float(self.W_h[gate][j]), float(self.h_prev[j]), float(products[j])) for j in order]

    def max_disagreement(self) -> float:
        """Largest |here − model| over the quantities both computed."""
        mine = {**{f"out_{g}": v for g, v in self.out.items()}, "h": self.h}
        if "pre_a" in self.model:                     # the vanilla cell: the replay records a itself
            mine["pre_a"] = self.pre["a"]
        if self.c is not None:
            mine["c"] = self.c
        return max(abs(mine[k] - self.model[k]) for k in mine)


def check_ref(ref: UnitRef, batch: Batch, net: SequenceNet) -> UnitRef:
    """``ref`` if it names a unit of ``net`` on ``batch``; ConfigError with the valid ranges otherwise."""
    B, T = batch.x.shape[0], batch.x.shape[1]
    for name, value, high in (("sequence", ref.seq, B), ("layer", ref.layer, net.layers), ("timestep", ref.t, T),
                              ("unit", ref.unit, net.hidden)):
        if not isinstance(value, int) or not 0 <= value < high:
            raise ConfigError(f"{name} {value} does not exist: choose 0 to {high - 1}")
    return ref


def _float64(net: SequenceNet, batch: Batch) -> tuple[SequenceNet, Batch]:
    net64 = copy.deepcopy(net).double()
    x = batch.x if not batch.x.is_floating_point() else batch.x.double()
    y = batch.y.double() if batch.y.is_floating_point() else batch.y
    return net64, replace(batch, x=x, y=y)


def _value(tensor: torch.Tensor, s: int, k: int) -> float:
    return float(tensor.detach()[s, k])


def _block(tensor: torch.Tensor, k: int, H: int, unit: int) -> torch.Tensor:
    return tensor[k * H + unit]


def unit_step(net: SequenceNet, task: Task, batch: Batch, ref: UnitRef) -> UnitStep:
    """The unit ``ref`` of ``net`` on ``batch`` (its probe batch): forward numbers and backward terms.

    ConfigError for a cell without a recurrent matrix: the unit's equations here are its rows of W_ih and W_hh."""
    if not net.architecture.has_recurrent_matrix:
        raise ConfigError(f"the one-unit view reads a unit's rows of W_ih and W_hh, and the {net.architecture.label} "
                          "has no recurrent matrix W_hh")
    ref = check_ref(ref, batch, net)
    net64, batch64 = _float64(net, batch)
    row, H, layer, t, k, s = net.architecture, net.hidden, ref.layer, ref.t, ref.unit, ref.seq
    with torch.enable_grad():
        rep = net64.replay(batch64.x)
        loss = task.loss(rep.out, batch64)
        targets = {"out": rep.out, "h": rep.h[layer][t]}
        if row.has_cell_state:
            targets["c"] = rep.c[layer][t]
        for gate in row.blocks:
            targets[f"d_{gate}"] = rep.gates[layer][REPLAY_NAME.get(gate, gate)][t]
        grads = dict(zip(targets, torch.autograd.grad(loss, list(targets.values()), allow_unused=True)))
    layer_in = rep.embedded if layer == 0 else torch.stack(rep.h[layer - 1], dim=1)     # (B, T, I)
    x = layer_in[s, t].detach().numpy()
    h_prev = rep.h[layer][t - 1][s].detach().numpy() if t > 0 else np.zeros(H)
    c_prev = None
    if row.has_cell_state:
        c_prev = _value(rep.c[layer][t - 1], s, k) if t > 0 else 0.0
    W_ih, W_hh, b_ih, b_hh = (p.detach() for p in net64.layer_weights(layer))
    step = UnitStep(net.arch, net.activation, ref, x, h_prev, c_prev)
    for j, gate in enumerate(row.blocks):
        step.W_i[gate] = _block(W_ih, j, H, k).numpy()
        step.W_h[gate] = _block(W_hh, j, H, k).numpy()
        step.b_i[gate] = float(_block(b_ih, j, H, k))
        step.b_h[gate] = float(_block(b_hh, j, H, k))
        step.x_term[gate] = float(step.W_i[gate] @ x + step.b_i[gate])
        step.h_term[gate] = float(step.W_h[gate] @ h_prev + step.b_h[gate])
    _equations(step)
    step.model = {f"out_{g}": _value(rep.gates[layer][REPLAY_NAME.get(g, g)][t], s, k) for g in row.blocks}
    if not row.gated:                                              # the replay's "pre" is a; its output is h
        step.model["pre_a"], step.model["out_a"] = step.model["out_a"], _value(rep.h[layer][t], s, k)
    step.model["h"] = _value(rep.h[layer][t], s, k)
    if row.has_cell_state:
        step.model["c"] = _value(rep.c[layer][t], s, k)
    _backward(step, grads, net64, layer == net.layers - 1)
    return step


def _sigmoid(a: float) -> float:
    """The σ of the equations."""
    return float(1.0 / (1.0 + np.exp(-a)))


def _rnn_equations(step: UnitStep) -> None:
    a = step.x_term["a"] + step.h_term["a"]
    step.pre["a"] = a
    step.out["a"] = step.h = float(np.tanh(a) if step.activation == "tanh" else max(a, 0.0))


def _gru_equations(step: UnitStep) -> None:
    for gate in ("r", "z"):
        step.pre[gate] = step.x_term[gate] + step.h_term[gate]
        step.out[gate] = _sigmoid(step.pre[gate])
    step.pre["n"] = step.x_term["n"] + step.out["r"] * step.h_term["n"]
    step.out["n"] = float(np.tanh(step.pre["n"]))
    z, h_prev_k = step.out["z"], float(step.h_prev[step.ref.unit])
    step.h = (1 - z) * step.out["n"] + z * h_prev_k


def _lstm_equations(step: UnitStep) -> None:
    for gate in step.gates:
        step.pre[gate] = step.x_term[gate] + step.h_term[gate]
        step.out[gate] = float(np.tanh(step.pre[gate]) if gate == "g" else _sigmoid(step.pre[gate]))
    step.c = step.out["f"] * step.c_prev + step.out["i"] * step.out["g"]
    step.h = step.out["o"] * float(np.tanh(step.c))


# Each cell's forward at one unit: pre-activations, gate values and the new state, from its rows.
UNIT_EQUATIONS = {RNNCell: _rnn_equations, GRUCell: _gru_equations, LSTMCell: _lstm_equations}


def _equations(step: UnitStep) -> None:
    """Pre-activations, gate values and the new state of the unit, from its rows (float64 numpy)."""
    UNIT_EQUATIONS[step.architecture.cell](step)


def _backward(step: UnitStep, grads: Mapping[str, Any], net64: SequenceNet, last_layer: bool) -> None:
    s, t, k = step.ref.seq, step.ref.t, step.ref.unit

    def at(name: str) -> float:
        g = grads.get(name)
        return 0.0 if g is None else float(g[s, k])

    dh = at("h")
    direct = float(grads["out"][s, t] @ net64.head.weight[:, k].detach()) if last_layer else 0.0
    step.grads.update(dh=dh, dh_direct=direct, dh_rest=dh - direct)
    if step.architecture.has_cell_state:
        step.grads["dc"] = at("c")
    for gate in step.gates:
        d = at(f"d_{gate}")
        value = step.out[gate]
        if not step.architecture.gated:   # the replay's "pre" is a itself
            step.grads["d_a"] = step.grads["da_a"] = d
            continue
        deriv = value * (1 - value) if gate in SIGMOID_GATES else 1 - value ** 2
        step.grads[f"d_{gate}"], step.grads[f"da_{gate}"] = d, d * deriv


def parse_unit_query(params: Mapping[str, Any], limits: UnitRef) -> tuple[UnitRef, list[str]]:
    """A UnitRef from URL values ``seq``, ``layer``, ``t`` (1-based) and ``unit``, each clamped to
    ``limits`` (the counts: sequences, layers, timesteps, units); a note per unusable value."""
    values, notes = {}, []
    for name in UNIT_PARAMS:
        offset = 1 if name == "t" else 0
        high = getattr(limits, name)
        raw = params.get(name)
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else None
        if raw is None:
            values[name] = 0 if name != "t" else high - 1
            continue
        number = whole_number(raw)
        if number is None:
            notes.append(f"Ignored URL parameter {name}: not a whole number written with the digits 0-9.")
            values[name] = 0 if name != "t" else high - 1
            continue
        index = number - offset
        if not 0 <= index < high:
            notes.append(f"Ignored URL parameter {name}: this model has {offset} to {high - 1 + offset}.")
            index = min(max(index, 0), high - 1)
        values[name] = index
    return UnitRef(**values), notes
