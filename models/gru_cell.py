"""The GRU cell, written from PyTorch's equations (gate order r | z | n)."""
from __future__ import annotations

import torch

from models.cell_base import RecurrentCell, Clamp, apply_clamp


def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh, clamp: Clamp = None):
    r"""One step of the GRU, exactly as ``torch.nn.GRUCell`` computes it.

    .. math::
        r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr}) \\
        z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz}) \\
        n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn})) \\
        h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}

    where σ is the sigmoid and ⊙ the Hadamard product. Note that PyTorch applies the
    reset gate *after* the product W_hn h_{t-1} (the textbook form of Cho et al. 2014
    applies it before: W_hn (r ⊙ h_{t-1})).

    Shapes: x_t (B, I), h_prev (B, H), W_ih (3H, I), W_hh (3H, H).
    Returns (h_t, gates) with gates = {"r", "z", "n", "h"}.
    """
    gi = x_t @ W_ih.T + b_ih                                # (B, 3H)
    gh = h_prev @ W_hh.T + b_hh                             # (B, 3H)
    i_r, i_z, i_n = gi.chunk(3, dim=1)
    h_r, h_z, h_n = gh.chunk(3, dim=1)
    r = apply_clamp(clamp, "r", torch.sigmoid(i_r + h_r))
    z = apply_clamp(clamp, "z", torch.sigmoid(i_z + h_z))
    n = apply_clamp(clamp, "n", torch.tanh(i_n + r * h_n))
    h = (1 - z) * n + z * h_prev
    return h, {"r": r, "z": z, "n": n, "h": h}


class GRUCell(RecurrentCell):
    """GRU cell with PyTorch's parameter layout; its state_dict loads into ``torch.nn.GRUCell``.

    Gates returned by ``forward``: "r" (reset), "z" (update), "n" (candidate), "h".
    """

    gate_names = ("r", "z", "n", "h")
    n_blocks = 3

    def forward(self, x_t: torch.Tensor, state: torch.Tensor | None = None, clamp: Clamp = None):
        """(x_t (B, I), h_prev (B, H) or None) -> (h_t, gates)."""
        h_prev = x_t.new_zeros(x_t.shape[0], self.hidden_size) if state is None else state
        return gru_step(x_t, h_prev, *self.weights(), clamp=clamp)
