"""The LSTM cell, written from PyTorch's equations (gate order i | f | g | o)."""
from __future__ import annotations

import torch

from models.cell_base import RecurrentCell, Clamp, apply_clamp


def lstm_step(x_t, state, W_ih, W_hh, b_ih, b_hh, clamp: Clamp = None):
    r"""One step of the LSTM, exactly as ``torch.nn.LSTMCell`` computes it.

    .. math::
        i_t = \sigma(W_{ii} x_t + b_{ii} + W_{hi} h_{t-1} + b_{hi}) \\
        f_t = \sigma(W_{if} x_t + b_{if} + W_{hf} h_{t-1} + b_{hf}) \\
        g_t = \tanh(W_{ig} x_t + b_{ig} + W_{hg} h_{t-1} + b_{hg}) \\
        o_t = \sigma(W_{io} x_t + b_{io} + W_{ho} h_{t-1} + b_{ho}) \\
        c_t = f_t \odot c_{t-1} + i_t \odot g_t \\
        h_t = o_t \odot \tanh(c_t)

    where σ is the sigmoid and ⊙ the Hadamard product.

    Shapes: x_t (B, I), state = (h_prev, c_prev) each (B, H), W_ih (4H, I), W_hh (4H, H).
    Returns ((h_t, c_t), gates) with gates = {"i", "f", "g", "o", "c", "h"}.
    """
    h_prev, c_prev = state
    a = x_t @ W_ih.T + b_ih + h_prev @ W_hh.T + b_hh       # (B, 4H)
    a_i, a_f, a_g, a_o = a.chunk(4, dim=1)
    i = apply_clamp(clamp, "i", torch.sigmoid(a_i))
    f = apply_clamp(clamp, "f", torch.sigmoid(a_f))
    g = apply_clamp(clamp, "g", torch.tanh(a_g))
    o = apply_clamp(clamp, "o", torch.sigmoid(a_o))
    c = f * c_prev + i * g
    h = o * torch.tanh(c)
    return (h, c), {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}


class LSTMCell(RecurrentCell):
    """LSTM cell with PyTorch's parameter layout; its state_dict loads into ``torch.nn.LSTMCell``.

    Gates returned by ``forward``: "i" (input), "f" (forget), "g" (cell candidate),
    "o" (output), "c" (cell state) and "h".
    """

    gate_names = ("i", "f", "g", "o", "c", "h")
    n_blocks = 4

    def forward(self, x_t: torch.Tensor, state=None, clamp: Clamp = None):
        """(x_t (B, I), (h_prev, c_prev) or None) -> ((h_t, c_t), gates)."""
        if state is None:
            zero = x_t.new_zeros(x_t.shape[0], self.hidden_size)
            state = (zero, zero)
        return lstm_step(x_t, state, *self.weights(), clamp=clamp)
