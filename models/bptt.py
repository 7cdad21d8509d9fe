r"""Backpropagation through time written out by hand, vectorised over rows.

The forward is ``SequenceNet.replay`` run without a graph: it records every hidden
state, cell state and gate. This module walks t = T … 1 with the derivatives below,
for all rows of a cotangent matrix at once, and never asks autograd for anything.
The tests check it against ``torch.autograd`` on the replay.

Notation: ⊙ is the Hadamard product; vectors are rows, so Wᵀv is written ``v @ W``.
δh_t = dL/dh_t is the derivative with respect to the stored h_t, the total one through
every later step (for the LSTM, c_t is a path of its own, δc_t):

    δh_t = e_t + ρ_{t+1}        e_t: the direct term, ρ_{t+1}: what step t+1 sends back (0 after T)

m is the ablation mask of the last layer (1 everywhere else): the forward stores
h_t = m ⊙ h̃_t (and c_t = m ⊙ c̃_t) where h̃, c̃ are what the cell computed.
σ' = s(1 − s) for a sigmoid output s, tanh' = 1 − y² for a tanh output y.

Vanilla RNN (a_t the pre-activation; φ' = 1 − h_t² for tanh, [a_t > 0] for relu, 1 linear):
    da_t = δh_t ⊙ m ⊙ φ'(a_t)                              ρ_t = W_hhᵀ da_t
GRU (PyTorch form, h_n = W_hn h_{t−1} + b_hn):
    δh̃ = m ⊙ δh_t
    da_n = δh̃ ⊙ (1 − z_t) ⊙ (1 − n_t²),  da_r = da_n ⊙ h_n ⊙ σ'(r_t),
    da_z = δh̃ ⊙ (h_{t−1} − n_t) ⊙ σ'(z_t)
    ρ_t = z_t ⊙ δh̃ + W_hrᵀ da_r + W_hzᵀ da_z + W_hnᵀ (r_t ⊙ da_n)
LSTM:
    δc̃_t = m ⊙ (δh_t ⊙ o_t ⊙ (1 − tanh² c̃_t) + f_{t+1} ⊙ δc̃_{t+1})
    da_i = δc̃_t ⊙ g_t ⊙ σ'(i_t),  da_f = δc̃_t ⊙ c_{t−1} ⊙ σ'(f_t),
    da_g = δc̃_t ⊙ i_t ⊙ (1 − g_t²),  da_o = δh_t ⊙ m ⊙ tanh c̃_t ⊙ σ'(o_t)
    ρ_t = W_hhᵀ [da_i | da_f | da_g | da_o]

A clamped gate is a constant: its pre-activation gradient is 0, and its clamped value
is what multiplies everywhere else. A scaled W_hh is whatever the forward used.

Layers: the layer above sends its input gradient down as the direct term of the layer
below, e^{l−1}_t = W_ihᵀ da^{ih}_t, where da^{ih} is the stacked pre-activation gradient
(the GRU's n block is da_n there, not r_t ⊙ da_n).

Weights, summed over t and the B probe rows (BPTT shares the weights; s is the W_hh scale):
    ∂L/∂W_ih = Σ_t da^{ih}_t x_tᵀ,   ∂L/∂b_ih = Σ_t da^{ih}_t,
    ∂L/∂W_hh = s Σ_t da^{hh}_t h_{t−1}ᵀ,   ∂L/∂b_hh = Σ_t da^{hh}_t,
with da^{hh} = da^{ih} except the GRU's n block, r_t ⊙ da_n. The first layer's input
gradient W_ihᵀ da^{ih}_t is returned too (an embedding's gradient is built from it).

Truncation (``cut_every`` = k > 0): the forward detached the state entering steps k + 1,
2k + 1, …, so there ρ is not sent back (and the LSTM's δc̃ stops too): δh_t of a step
before a cut holds only what its own chunk of steps sends back.

Jacobian rows: H extra rows in the last layer walk the same steps with sequence 0's
gate values, start as the identity at t = T and get no direct term; row k then holds
dh_T[k]/dh_t, so those rows are the Jacobian ∂h_T/∂h_t of sequence 0.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import torch
from torch import Tensor

if TYPE_CHECKING:
    from models.network import Intervention, SequenceNet


@dataclass
class Gradients:
    """What ``bptt`` returns. hidden: dL/dh (L, T, B, H). jacobian: ∂h_T/∂h_t (T, H, H) of
    sequence 0, or None. weights: 'weight_ih_l0', ... -> ∂L/∂θ of the recurrent layers, and
    input: ∂L/∂x_t of the first layer's input (T, B, I); both empty/None unless asked for."""

    hidden: Tensor
    jacobian: Tensor | None = None
    weights: dict[str, Tensor] = field(default_factory=dict)
    input: Tensor | None = None


@torch.no_grad()
def bptt(net: SequenceNet, hidden: Tensor, cell: Tensor | None, gates: dict[str, Tensor], dh_out: Tensor,
         inputs: Tensor | None = None, intervention: Intervention | None = None, jacobian: bool = False,
         cut_every: int = 0) -> Gradients:
    """Backpropagation through time over the replay's records: see the module docstring.

    ``net`` is the SequenceNet that ran the forward (its arch, activation and weights are
    read), ``intervention`` the one the forward applied (or None). ``hidden`` (L, T, B, H)
    are the stored h_t, ``cell`` (L, T, B, H) the stored LSTM c_t (None otherwise), ``gates``
    name -> (L, T, B, H) as the replay records them (RNN "pre", GRU "r", "z", "n", LSTM
    "i", "f", "g", "o", "c"). ``dh_out`` (T, B, H) is dL/dh_t of the last layer through the
    head alone (the direct term). ``inputs`` (T, B, I), what the first layer received, asks
    for the weight gradients and the input gradient as well. ``cut_every`` k > 0: the state
    was detached every k steps (truncated BPTT), and no gradient crosses those points.
    """
    L, T, B, H = hidden.shape
    clamp = intervention.clamp if intervention else {}
    scale_hh = intervention.scale_hh if intervention else 1.0
    keep = _keep_mask(H, intervention.ablate if intervention else (), hidden.dtype)
    grads, weights, jac = [None] * L, {}, None
    direct = dh_out
    for layer in reversed(range(L)):
        top = layer == L - 1
        copies = H if top and jacobian else 0
        W_ih, W_hh, _, b_hh = net.layer_weights(layer, scale_hh)
        layer_gates = {name: g[layer] for name, g in gates.items()}
        step = net.architecture.backward(hidden[layer], None if cell is None else cell[layer], layer_gates,
                                         W_hh, b_hh, net.activation, clamp, keep if top else None, copies)
        dh = _walk_back(step, _cotangent_rows(direct, copies), cut_every)
        grads[layer] = dh[:, :B]
        if copies:
            jac = dh[:, B:]
        if layer or inputs is not None:
            da_ih = step.input_grads(dh[:, :B])                               # (T, B, G·H)
            direct = da_ih @ W_ih
        if inputs is not None:
            x = hidden[layer - 1] if layer else inputs
            weights.update(_weight_grads(layer, da_ih, step.recurrent_grads(dh[:, :B], da_ih),
                                         x, _previous(hidden[layer]), scale_hh))
    return Gradients(torch.stack(grads), jac, weights, direct if inputs is not None else None)


def _weight_grads(layer: int, da_ih: Tensor, da_hh: Tensor, x: Tensor, h_prev: Tensor, scale_hh: float
                  ) -> dict[str, Tensor]:
    """∂L/∂W_ih, ∂L/∂W_hh (times the scale the forward applied), ∂L/∂b_ih, ∂L/∂b_hh of one layer."""
    flat = lambda a: a.reshape(-1, a.shape[-1])                               # (T·B, ·)
    return {f"weight_ih_l{layer}": flat(da_ih).T @ flat(x),
            f"weight_hh_l{layer}": (flat(da_hh).T @ flat(h_prev)) * scale_hh,
            f"bias_ih_l{layer}": flat(da_ih).sum(0), f"bias_hh_l{layer}": flat(da_hh).sum(0)}


def _keep_mask(H: int, ablate, dtype) -> Tensor | None:
    """The 0/1 mask the replay multiplies the last layer's h (and c) by; None without ablation."""
    if not ablate:
        return None
    keep = torch.ones(H, dtype=dtype)
    keep[list(ablate)] = 0
    return keep


def _cotangent_rows(direct: Tensor, copies: int) -> Tensor:
    """(T, B + copies, H), a new tensor: ``direct`` then ``copies`` Jacobian rows, 0 except
    the identity at t = T (copies is H or 0)."""
    T, B, H = direct.shape
    rows = direct.new_zeros(T, B + copies, H)
    rows[:, :B] = direct
    if copies:
        rows[-1, B:] = torch.eye(H, dtype=direct.dtype)
    return rows


def _walk_back(step, dh: Tensor, cut_every: int = 0) -> Tensor:
    """δh_t = e_t + ρ_{t+1} for t = T … 1, in place: ``dh`` (T, R, H) comes in holding e_t,
    and each step adds ρ_t into δh_{t−1}, except across a cut (0-based t a multiple of
    ``cut_every``); returns ``dh``."""
    steps = dh.unbind(0)                                   # views: each step writes into dh
    for t in reversed(range(len(steps))):
        cut = t == 0 or (cut_every > 0 and t % cut_every == 0)
        step(t, steps[t], None if cut else steps[t - 1])
    return dh


def _with_copies(x: Tensor, copies: int) -> Tensor:
    """(T, B, ...) -> (T, B + copies, ...): row 0 repeated ``copies`` times at the end."""
    if not copies:
        return x
    return torch.cat((x, x[:, :1].expand(-1, copies, *x.shape[2:])), dim=1)


def _previous(x: Tensor) -> Tensor:
    """x_{t−1} for every t, with x_0 = 0: (T, B, H) -> (T, B, H)."""
    return torch.cat((torch.zeros_like(x[:1]), x[:-1]))


def _sigmoid_grad(s: Tensor) -> Tensor:
    return s * (1 - s)


def _tanh_grad(y: Tensor) -> Tensor:
    return 1 - y * y


def _masked(x: Tensor, keep: Tensor | None) -> Tensor:
    return x if keep is None else x * keep


def _unless_clamped(name: str, clamp: dict, factor: Tensor) -> Tensor:
    """``factor`` (a gate's pre-activation derivative), or 0 when the gate is clamped."""
    return torch.zeros_like(factor) if name in clamp else factor


class LayerBackward(Protocol):
    """One layer's backward step, built by its architecture's row (``Architecture.backward``) as
    ``backward(h, c, gates, W_hh, b_hh, activation, clamp, keep, copies)``: the layer's stored
    h and c (T, B, H; c None without a cell state), its gates (name -> (T, B, H)), its weights
    as the forward used them, the vanilla cell's activation, the intervention's clamps, the
    ablation mask (None without ablation) and the number of Jacobian rows."""

    def __call__(self, t: int, dh: Tensor, dh_prev: Tensor | None) -> None:
        """Adds ρ_t, from δh_t (R, H), into δh_{t−1} unless t is the first step."""

    def input_grads(self, dh: Tensor) -> Tensor:
        """da^{ih} (T, B, G·H) of the first B rows, given their δh (T, B, H)."""

    def recurrent_grads(self, dh: Tensor, da_ih: Tensor) -> Tensor:
        """da^{hh} (T, B, G·H) of the first B rows."""


class RNNBackward:
    """One vanilla RNN layer's backward step: da_t = δh_t ⊙ m ⊙ φ'(a_t), ρ_t = W_hhᵀ da_t.

    Built from the layer's stored h (T, B, H) and gates ("pre": a_t); ``copies`` Jacobian
    rows (sequence 0's values) are appended to every factor. Every layer step takes the same
    arguments (see ``LayerBackward``); this one reads h, gates, W_hh and the activation.
    """

    def __init__(self, h, c, gates, W_hh, b_hh, activation, clamp, keep, copies):
        a = gates["pre"]
        if activation == "tanh":
            slope = _tanh_grad(h)                  # h = tanh(a) wherever the mask keeps it
        elif activation == "relu":
            slope = (a > 0).to(a.dtype)
        else:
            slope = torch.ones_like(a)
        self.slope = _with_copies(_unless_clamped("h", clamp, _masked(slope, keep)), copies)   # (T, R, H)
        self.slope_at = self.slope.unbind(0)
        self.W_hh = W_hh

    def __call__(self, t: int, dh: Tensor, dh_prev: Tensor | None):
        """Adds ρ_t, from δh_t (R, H), into δh_{t−1} unless t is the first step."""
        if dh_prev is not None:
            dh_prev.addmm_(dh * self.slope_at[t], self.W_hh)

    def input_grads(self, dh: Tensor) -> Tensor:
        """da^{ih} = da (T, B, H) of the first B rows, given their δh (T, B, H)."""
        return dh * self.slope[:, :dh.shape[1]]

    def recurrent_grads(self, dh: Tensor, da_ih: Tensor) -> Tensor:
        """da^{hh}: the same as da^{ih} for this cell."""
        return da_ih


class GRUBackward:
    """One GRU layer's backward step (PyTorch form):

    ρ_t = z_t ⊙ δh̃ + [da_r | da_z | r_t ⊙ da_n] W_hh, with δh̃ = m ⊙ δh_t and the
    pre-activation gradients da_· = δh_t ⊙ (factor_·), the factors (m included) computed
    for all t at once. Reads h, gates, W_hh and b_hh of the arguments ``LayerBackward`` lists.
    """

    def __init__(self, h, c, gates, W_hh, b_hh, activation, clamp, keep, copies):
        H = h.shape[-1]
        r, z, n = gates["r"], gates["z"], gates["n"]
        h_prev = _previous(h)
        h_n = torch.nn.functional.linear(h_prev, W_hh[2 * H:], b_hh[2 * H:])     # W_hn h_{t−1} + b_hn
        f_n = _unless_clamped("n", clamp, _masked((1 - z) * _tanh_grad(n), keep))
        f_r = _unless_clamped("r", clamp, f_n * h_n * _sigmoid_grad(r))
        f_z = _unless_clamped("z", clamp, _masked((h_prev - n) * _sigmoid_grad(z), keep))
        self.ih = torch.stack((f_r, f_z, f_n), dim=2)                              # (T, B, 3, H)
        self.hh_at = _with_copies(torch.stack((f_r, f_z, r * f_n), dim=2), copies).unbind(0)   # T × (R, 3, H)
        self.carry_at = _with_copies(_masked(z, keep), copies).unbind(0)                      # T × (R, H)
        self.r = r
        self.W_hh = W_hh

    def __call__(self, t: int, dh: Tensor, dh_prev: Tensor | None):
        """Adds ρ_t, from δh_t (R, H), into δh_{t−1} unless t is the first step."""
        if dh_prev is not None:
            da_hh = (dh.unsqueeze(1) * self.hh_at[t]).flatten(1)                  # (R, 3H)
            dh_prev.addcmul_(dh, self.carry_at[t]).addmm_(da_hh, self.W_hh)

    def input_grads(self, dh: Tensor) -> Tensor:
        """da^{ih} = [da_r | da_z | da_n] (T, B, 3H) of the first B rows, given their δh (T, B, H)."""
        return (dh.unsqueeze(2) * self.ih).flatten(2)

    def recurrent_grads(self, dh: Tensor, da_ih: Tensor) -> Tensor:
        """da^{hh} = [da_r | da_z | r_t ⊙ da_n] (T, B, 3H) of the first B rows."""
        H = dh.shape[-1]
        return torch.cat((da_ih[..., :2 * H], self.r * da_ih[..., 2 * H:]), dim=-1)


class LSTMBackward:
    """One LSTM layer's backward step, carrying δc̃ from step to step:

    δc̃_t = δh_t ⊙ (m ⊙ o_t ⊙ (1 − tanh² c̃_t)) + (m ⊙ f_{t+1}) ⊙ δc̃_{t+1},
    da_t = [δc̃_t | δc̃_t | δc̃_t | δh_t] ⊙ (factors of i | f | g | o),  ρ_t = da_t W_hh.
    Steps must be called for t = T … 1 in order; δc̃_t is kept for ``input_grads``.
    Reads c, gates and W_hh of the arguments ``LayerBackward`` lists.
    """

    def __init__(self, h, c, gates, W_hh, b_hh, activation, clamp, keep, copies):
        i, f, g, o = gates["i"], gates["f"], gates["g"], gates["o"]
        tanh_c = torch.tanh(gates["c"])                                          # tanh c̃_t
        factors = (_unless_clamped("i", clamp, g * _sigmoid_grad(i)),
                   _unless_clamped("f", clamp, _previous(c) * _sigmoid_grad(f)),
                   _unless_clamped("g", clamp, i * _tanh_grad(g)),
                   _unless_clamped("o", clamp, _masked(tanh_c * _sigmoid_grad(o), keep)))
        self.factors = _with_copies(torch.cat(factors, dim=2), copies)           # (T, R, 4H)
        dc_from_h = _with_copies(_masked(o * _tanh_grad(tanh_c), keep), copies)
        carry = _with_copies(_masked(f, keep), copies)
        self.at = tuple(zip(self.factors.unbind(0), dc_from_h.unbind(0), carry.unbind(0)))
        self.dc = torch.zeros_like(carry)                                       # δc̃_t, filled by the steps
        self.dc_at = self.dc.unbind(0)
        self.W_hh = W_hh

    def __call__(self, t: int, dh: Tensor, dh_prev: Tensor | None):
        """δc̃_t from δh_t (R, H) and δc̃_{t+1}; adds ρ_t into δh_{t−1} unless t is the first step."""
        factors, dc_from_h, carry = self.at[t]
        dc = self.dc_at[t].addcmul_(dh, dc_from_h)             # it held m ⊙ f_{t+1} ⊙ δc̃_{t+1}
        if dh_prev is not None:
            torch.mul(dc, carry, out=self.dc_at[t - 1])
            dh_prev.addmm_(torch.cat((dc, dc, dc, dh), dim=1).mul_(factors), self.W_hh)

    def input_grads(self, dh: Tensor) -> Tensor:
        """da^{ih} = [da_i | da_f | da_g | da_o] (T, B, 4H) of the first B rows, given their δh (T, B, H)."""
        B = dh.shape[1]
        dc = self.dc[:, :B]
        return torch.cat((dc, dc, dc, dh), dim=2) * self.factors[:, :B]

    def recurrent_grads(self, dh: Tensor, da_ih: Tensor) -> Tensor:
        """da^{hh}: the same as da^{ih} for this cell."""
        return da_ih
