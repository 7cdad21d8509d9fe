r"""Backpropagation through time written out by hand, vectorised over rows.

The forward is ``SequenceNet.replay`` run without a graph: it records every hidden
state, cell state and gate. This module walks t = T … 1 with the derivatives below,
for all rows of a cotangent matrix at once, and never asks autograd for anything.
The tests check it against ``torch.autograd`` on the replay. Each architecture's step
(the formulas below, one class per cell) lives in ``models.bptt_steps``.

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
from typing import TYPE_CHECKING

import torch
from torch import Tensor

from models.bptt_steps import previous

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
                                         x, previous(hidden[layer]), scale_hh))
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
