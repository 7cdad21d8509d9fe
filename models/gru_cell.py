"""The GRU cell, written from PyTorch's equations (gate order r | z | n)."""
from __future__ import annotations

import torch

from models.cell_base import RecurrentCell, Clamp, apply_clamp, input_projection


def gru_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh, clamp: Clamp = None, x_proj=None):
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
    ``x_proj`` (B, 3H), if given, is the input term W_ih x_t + b_ih already computed (a replay
    computes it for every t in one product); x_t is then not read.
    Returns (h_t, gates) with gates = {"r", "z", "n", "h"}.
    """
    H = h_prev.shape[1]
    gi = input_projection(x_t, W_ih, b_ih) if x_proj is None else x_proj   # (B, 3H)
    gh = torch.addmm(b_hh, h_prev, W_hh.T)                  # (B, 3H): W_hh h_{t-1} + b_hh
    rz = torch.sigmoid(gi[:, :2 * H] + gh[:, :2 * H])       # r and z side by side
    r = apply_clamp(clamp, "r", rz[:, :H])
    z = apply_clamp(clamp, "z", rz[:, H:])
    n = apply_clamp(clamp, "n", torch.tanh(torch.addcmul(gi[:, 2 * H:], r, gh[:, 2 * H:])))
    h = torch.addcmul(n, z, h_prev - n)                     # (1 - z) ⊙ n + z ⊙ h_{t-1}
    return h, {"r": r, "z": z, "n": n, "h": h}


class GRUCell(RecurrentCell):
    """GRU cell with PyTorch's parameter layout; its state_dict loads into ``torch.nn.GRUCell``.

    Gates returned by ``forward``: "r" (reset), "z" (update), "n" (candidate), "h".
    """

    gate_names = ("r", "z", "n", "h")
    blocks = ("r", "z", "n")

    def forward(self, x_t: torch.Tensor, state: torch.Tensor | None = None, clamp: Clamp = None):
        """(x_t (B, I), h_prev (B, H) or None) -> (h_t, gates)."""
        h_prev = x_t.new_zeros(x_t.shape[0], self.hidden_size) if state is None else state
        return gru_step(x_t, h_prev, *self.weights(), clamp=clamp)
