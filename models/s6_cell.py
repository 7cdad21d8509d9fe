r"""S6, Mamba's selective state-space layer, at toy size: Δ_t, B_t and C_t read the input.

Gu and Dao (2023), "Mamba: Linear-Time Sequence Modeling with Selective State Spaces", arXiv
2312.00752, section 3.2 and Algorithm 2 (S6), with its discretisation (zero-order hold for A,
Euler for B, as the reference code does). Each of the H channels c keeps an N-dimensional state:

.. math::
    u_t = W_{in} x_t \\
    \Delta_t = \mathrm{softplus}(W_\Delta u_t + b_\Delta),\quad B_t = W_B u_t,\quad C_t = W_C u_t \\
    A = -\exp(A^{\log}) \ \text{(diagonal, } H \times N\text{)} \\
    s_{t,c} = \exp(\Delta_{t,c} A_c) \odot s_{t-1,c} + \Delta_{t,c}\, u_{t,c}\, B_t \\
    h_{t,c} = C_t \cdot s_{t,c} + D_c\, u_{t,c}

Δ_t is the selection: a small Δ_{t,c} keeps channel c's state and writes little of u_t (a skipped
step), a large one forgets the state and writes u_t: it plays the part a gate plays in the
GRU, and the views show it as one ("Δ"). Without Mamba's convolution, gating branch and
expansion: the recurrence alone. A starts at −(1, 2, …, N) in every channel (S4D-real) and Δ
between 0.001 and 0.1 (Mamba's initialisation). Weights: ``weight_in`` (H, I); ``weight_x``
(H + 2N, H) stacks W_Δ, W_B and W_C; ``bias_delta`` (H); ``A_log`` (H, N); ``D`` (H). The
state is the pair (h_t, s_t): the views read h_t, the gradient through time is taken at s_t.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from models.cell_base import Clamp, apply_clamp
from models.scan import linear_scan
from models.scan_cell import ScanCell

STATE_SIZE = 4                       # N, the state per channel (Mamba's default is 16; toy size here)
DELTA_MIN, DELTA_MAX = 0.001, 0.1    # the range Δ starts in


def _split(p: torch.Tensor, H: int):
    """(u, Δ pre-activation, B, C) from a projection (..., 2H + 2N)."""
    N = (p.shape[-1] - 2 * H) // 2
    return p[..., :H], p[..., H:2 * H], p[..., 2 * H:2 * H + N], p[..., 2 * H + N:]


def s6_step(x_t, state, weight_in, weight_x, bias_delta, A_log, D, clamp: Clamp = None, x_proj=None):
    """One S6 step (the equations of the module docstring): x_t (B, I), state (h_{t−1}, s_{t−1} (B, H, N))
    -> ((h_t, s_t), {"delta": Δ_t, "h": h_t}). ``x_proj`` (B, 2H + 2N), if given, is ``S6Cell.project``'s."""
    H = weight_in.shape[0]
    p = S6Cell.project(x_t, weight_in, weight_x, bias_delta, A_log, D) if x_proj is None else x_proj
    u, pre, B, C = _split(p, H)
    delta = apply_clamp(clamp, "delta", F.softplus(pre))                  # (B, H)
    s = torch.exp(delta.unsqueeze(-1) * -torch.exp(A_log)) * state[1] + (delta * u).unsqueeze(-1) * B.unsqueeze(1)
    h = (s * C.unsqueeze(1)).sum(-1) + D * u
    return (h, s), {"delta": delta, "h": h}


class S6Cell(ScanCell):
    """S6 layer: ``step`` one t at a time, ``scan`` every t at once (associative scan over (B, T, H, N))."""

    blocks = ("u", "delta", "B", "C")
    gate_names = ("delta", "h")
    step = staticmethod(s6_step)

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__(input_size, hidden_size)
        H, N = hidden_size, STATE_SIZE
        self.weight_in = nn.Parameter(torch.empty(H, input_size))
        self.weight_x = nn.Parameter(torch.empty(H + 2 * N, H))
        self.bias_delta = nn.Parameter(torch.empty(H))
        self.A_log = nn.Parameter(torch.empty(H, N))
        self.D = nn.Parameter(torch.empty(H))
        self.reset_parameters()

    def weights(self):
        """(weight_in, weight_x, bias_delta, A_log, D)."""
        return self.weight_in, self.weight_x, self.bias_delta, self.A_log, self.D

    @staticmethod
    def zero_state(zero: torch.Tensor):
        """(h_0, s_0) = (0, 0) with s_0 (B, H, N)."""
        return zero, zero.unsqueeze(-1).expand(*zero.shape, STATE_SIZE).clone()

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Linear weights ~ U(±1/√fan_in); A = −(1 … N); Δ's bias so that Δ starts log-uniform in
        [DELTA_MIN, DELTA_MAX] (Mamba's init); D = 1. Drawn from ``generator``."""
        H, N = self.hidden_size, STATE_SIZE
        with torch.no_grad():
            nn.init.uniform_(self.weight_in, -1 / math.sqrt(self.input_size), 1 / math.sqrt(self.input_size),
                             generator=generator)
            nn.init.uniform_(self.weight_x, -1 / math.sqrt(H), 1 / math.sqrt(H), generator=generator)
            delta = torch.exp(torch.rand(H, generator=generator) * (math.log(DELTA_MAX) - math.log(DELTA_MIN))
                              + math.log(DELTA_MIN))
            self.bias_delta.copy_(delta + torch.log(-torch.expm1(-delta)))      # softplus⁻¹(Δ)
            self.A_log.copy_(torch.log(torch.arange(1, N + 1, dtype=torch.float32)).expand(H, N))
            self.D.fill_(1.0)

    @staticmethod
    def project(x: torch.Tensor, weight_in, weight_x, bias_delta, A_log, D) -> torch.Tensor:
        """Every input-only term of each step: (B, [T,] I) -> (..., 2H + 2N) holding u, W_Δ u + b_Δ, B, C."""
        u = F.linear(x, weight_in)
        H = weight_in.shape[0]
        rest = F.linear(u, weight_x)
        return torch.cat((u, rest[..., :H] + bias_delta, rest[..., H:]), dim=-1)

    def scan(self, x: torch.Tensor, state=None):
        """(every h_t (B, T, H), (h_T, s_T)) from x (B, T, I) and (h_0, s_0) or None (zeros)."""
        u, pre, B, C = _split(self.project(x, *self.weights()), self.hidden_size)
        delta = F.softplus(pre)                                                # (B, T, H)
        decay = torch.exp(delta.unsqueeze(-1) * -torch.exp(self.A_log))         # (B, T, H, N)
        s = linear_scan(decay, (delta * u).unsqueeze(-1) * B.unsqueeze(2), None if state is None else state[1])
        h = (s * C.unsqueeze(2)).sum(-1) + self.D * u
        return h, (h[:, -1], s[:, -1])
