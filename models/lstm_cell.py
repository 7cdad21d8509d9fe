"""The LSTM cell, written from PyTorch's equations (gate order i | f | g | o)."""
from __future__ import annotations

import torch

from models.cell_base import RecurrentCell, Clamp, apply_clamp, input_projection


def lstm_step(x_t, state, W_ih, W_hh, b_ih, b_hh, clamp: Clamp = None, x_proj=None):
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
    ``x_proj`` (B, 4H), if given, is the input term W_ih x_t + b_ih + b_hh already computed
    (a replay computes it for every t in one product); x_t is then not read.
    Returns ((h_t, c_t), gates) with gates = {"i", "f", "g", "o", "c", "h"}.
    """
    h_prev, c_prev = state
    H = h_prev.shape[1]
    if x_proj is None:
        x_proj = input_projection(x_t, W_ih, b_ih, b_hh)
    a = torch.addmm(x_proj, h_prev, W_hh.T)                # (B, 4H): blocks a_i | a_f | a_g | a_o
    s_i, s_f, _, s_o = torch.sigmoid(a).chunk(4, dim=1)   # σ of every block (the g block's is unused)
    i = apply_clamp(clamp, "i", s_i)
    f = apply_clamp(clamp, "f", s_f)
    g = apply_clamp(clamp, "g", torch.tanh(a[:, 2 * H:3 * H]))
    o = apply_clamp(clamp, "o", s_o)
    c = torch.addcmul(f * c_prev, i, g)                    # f ⊙ c_{t-1} + i ⊙ g
    h = o * torch.tanh(c)
    return (h, c), {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}


class LSTMCell(RecurrentCell):
    """LSTM cell with PyTorch's parameter layout; its state_dict loads into ``torch.nn.LSTMCell``.

    Gates returned by ``forward``: "i" (input), "f" (forget), "g" (cell candidate),
    "o" (output), "c" (cell state) and "h".
    """

    gate_names = ("i", "f", "g", "o", "c", "h")
    blocks = ("i", "f", "g", "o")

    def forward(self, x_t: torch.Tensor, state=None, clamp: Clamp = None):
        """(x_t (B, I), (h_prev, c_prev) or None) -> ((h_t, c_t), gates)."""
        if state is None:
            zero = x_t.new_zeros(x_t.shape[0], self.hidden_size)
            state = (zero, zero)
        return lstm_step(x_t, state, *self.weights(), clamp=clamp)
