r"""minLSTM: an LSTM whose gates read the input alone and are normalised, trained by a log-space scan.

Feng, Tung, Ahmed, Bengio, Hajimirsadeghi (2024), "Were RNNs All We Needed?", arXiv 2410.01201,
section 3.2 (log-space form: their appendix B):

.. math::
    f_t = \sigma(W_{if} x_t + b_{if}),\quad i_t = \sigma(W_{ii} x_t + b_{ii}) \\
    g_t = g(W_{ig} x_t + b_{ig}),\quad g(v) = v + \tfrac12 \ (v \ge 0),\ \sigma(v)\ (v < 0) \\
    f'_t = \frac{f_t}{f_t + i_t},\quad i'_t = \frac{i_t}{f_t + i_t} \\
    h_t = f'_t \odot h_{t-1} + i'_t \odot g_t

There is no cell state apart from h and no output gate. In log space, with
d_t = softplus(−k^f_t) − softplus(−k^i_t): log f'_t = −softplus(d_t), log i'_t = −softplus(−d_t).
Weights: weight_ih (3H, I) stacks the f, i and g blocks, bias_ih (3H).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from models.cell_base import Clamp, apply_clamp
from models.scan import log_positive, positive
from models.scan_cell import InputGatedCell


def minlstm_step(x_t, h_prev, W_ih, b_ih, clamp: Clamp = None, x_proj=None):
    """One minLSTM step (the equations of the module docstring): x_t (B, I), h_prev (B, H) ->
    (h_t, {"f", "i", "g", "h"}). ``x_proj`` (B, 3H), if given, is W_ih x_t + b_ih."""
    H = h_prev.shape[1]
    k = F.linear(x_t, W_ih, b_ih) if x_proj is None else x_proj
    f = apply_clamp(clamp, "f", torch.sigmoid(k[:, :H]))
    i = apply_clamp(clamp, "i", torch.sigmoid(k[:, H:2 * H]))
    g = positive(k[:, 2 * H:])
    h = (f * h_prev + i * g) / (f + i)                    # f' ⊙ h_{t−1} + i' ⊙ g
    return h, {"f": f, "i": i, "g": g, "h": h}


class MinLSTMCell(InputGatedCell):
    """minLSTM layer: ``step`` one t at a time, ``scan`` every t at once (log space)."""

    blocks = ("f", "i", "g")
    gate_names = ("f", "i", "g", "h")
    step = staticmethod(minlstm_step)

    def log_coefficients(self, k: torch.Tensor):
        """With d = softplus(−k_f) − softplus(−k_i):
        log a_t = −softplus(d), log b_t = −softplus(−d) + log g(k_g)."""
        H = self.hidden_size
        d = F.softplus(-k[..., :H]) - F.softplus(-k[..., H:2 * H])
        return -F.softplus(d), -F.softplus(-d) + log_positive(k[..., 2 * H:])
