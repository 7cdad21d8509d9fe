r"""minGRU: a GRU whose gates read the input alone, trained by a log-space parallel scan.

Feng, Tung, Ahmed, Bengio, Hajimirsadeghi (2024), "Were RNNs All We Needed?", arXiv 2410.01201,
section 3.1 (log-space form: their appendix B, ``log_g`` and ``parallel_scan_log``):

.. math::
    z_t = \sigma(W_{iz} x_t + b_{iz}) \\
    n_t = g(W_{in} x_t + b_{in}),\quad g(v) = v + \tfrac12 \ (v \ge 0),\ \sigma(v)\ (v < 0) \\
    h_t = (1 - z_t) \odot h_{t-1} + z_t \odot n_t

Neither gate reads h_{t−1}, so h_t = a_t ⊙ h_{t−1} + b_t with a_t = 1 − z_t and b_t = z_t ⊙ n_t
known for every t before the recurrence starts: ``scan`` computes all h_t with
log a_t = −softplus(k_t), log b_t = −softplus(−k_t) + log g(·), k_t the update gate's
pre-activation. Weights: weight_ih (2H, I) stacks the z and n blocks, bias_ih (2H).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from models.cell_base import Clamp, apply_clamp
from models.scan import log_positive, positive
from models.scan_cell import InputGatedCell


def mingru_step(x_t, h_prev, W_ih, b_ih, clamp: Clamp = None, x_proj=None):
    """One minGRU step (the equations of the module docstring): x_t (B, I), h_prev (B, H) ->
    (h_t, {"z", "n", "h"}). ``x_proj`` (B, 2H), if given, is W_ih x_t + b_ih."""
    H = h_prev.shape[1]
    k = F.linear(x_t, W_ih, b_ih) if x_proj is None else x_proj
    z = apply_clamp(clamp, "z", torch.sigmoid(k[:, :H]))
    n = positive(k[:, H:])
    h = torch.addcmul(h_prev, z, n - h_prev)              # (1 − z) ⊙ h_{t−1} + z ⊙ n
    return h, {"z": z, "n": n, "h": h}


class MinGRUCell(InputGatedCell):
    """minGRU layer: ``step`` one t at a time, ``scan`` every t at once (log space)."""

    blocks = ("z", "n")
    gate_names = ("z", "n", "h")
    step = staticmethod(mingru_step)

    def log_coefficients(self, k: torch.Tensor):
        """log a_t = −softplus(k_z), log b_t = −softplus(−k_z) + log g(k_n)."""
        gate = k[..., :self.hidden_size]
        return -F.softplus(gate), -F.softplus(-gate) + log_positive(k[..., self.hidden_size:])
