"""The vanilla (Elman) RNN cell, written from its equation."""
from __future__ import annotations

import torch

from models.cell_base import RecurrentCell, Clamp, apply_clamp, input_projection


def rnn_step(x_t, h_prev, W_ih, W_hh, b_ih, b_hh, activation="tanh", clamp: Clamp = None, x_proj=None):
    r"""One step of the Elman RNN, as ``torch.nn.RNNCell`` computes it.

    .. math::
        a_t = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh} \\
        h_t = \phi(a_t)

    where :math:`\phi` is tanh, ReLU or the identity ("linear", for the theory of
    vanishing gradients).

    Shapes: x_t (B, I), h_prev (B, H), W_ih (H, I), W_hh (H, H).
    ``x_proj`` (B, H), if given, is the input term W_ih x_t + b_ih + b_hh already computed
    (a replay computes it for every t in one product); x_t is then not read.
    Returns (h_t, gates) with gates = {"pre": a_t, "h": h_t}.
    """
    if x_proj is None:
        x_proj = input_projection(x_t, W_ih, b_ih, b_hh)
    a = torch.addmm(x_proj, h_prev, W_hh.T)                # (B, H)
    if activation == "tanh":
        h = torch.tanh(a)
    elif activation == "relu":
        h = torch.relu(a)
    else:
        h = a
    h = apply_clamp(clamp, "h", h)
    return h, {"pre": a, "h": h}


class RNNCell(RecurrentCell):
    """Elman RNN cell with PyTorch's parameter names (weight_ih, weight_hh, bias_ih, bias_hh).

    A ``state_dict`` of this cell loads into ``torch.nn.RNNCell`` and back.
    Gates returned by ``forward``: "pre" (the pre-activation a_t) and "h".
    """

    gate_names = ("pre", "h")
    blocks = ("a",)           # the one block: the pre-activation a_t

    def __init__(self, input_size: int, hidden_size: int, activation: str = "tanh"):
        super().__init__(input_size, hidden_size)
        self.activation = activation

    def forward(self, x_t: torch.Tensor, state: torch.Tensor | None = None, clamp: Clamp = None):
        """(x_t (B, I), h_prev (B, H) or None) -> (h_t, gates)."""
        h_prev = self.zero_state(x_t) if state is None else state
        return rnn_step(x_t, h_prev, *self.weights(), activation=self.activation, clamp=clamp)

    def zero_state(self, x_t):
        """h_0 = 0."""
        return x_t.new_zeros(x_t.shape[0], self.hidden_size)
