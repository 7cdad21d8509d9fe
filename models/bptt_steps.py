r"""One layer's backward step for each architecture: the derivative formulas ``models.bptt`` walks.

Each class is built from one layer's stored forward (h, c, gates) and weights, and adds ρ_t,
what step t sends back, into δh_{t−1}; the formulas and notation are in ``models.bptt``'s
docstring. The architecture table (``models.architectures``) names each row's step class.
"""
from __future__ import annotations

from typing import Protocol

import torch
from torch import Tensor

def _with_copies(x: Tensor, copies: int) -> Tensor:
    """(T, B, ...) -> (T, B + copies, ...): row 0 repeated ``copies`` times at the end."""
    if not copies:
        return x
    return torch.cat((x, x[:, :1].expand(-1, copies, *x.shape[2:])), dim=1)


def previous(x: Tensor) -> Tensor:
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
        h_prev = previous(h)
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
                   _unless_clamped("f", clamp, previous(c) * _sigmoid_grad(f)),
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
