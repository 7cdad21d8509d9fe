r"""The linear recurrent unit (LRU): a diagonal complex recurrence, trained by a parallel scan.

Orvieto, Smith, Gu, Fernando, Gulcehre, Pascanu, De (2023), "Resurrecting Recurrent Neural
Networks for Long Sequences", arXiv 2303.06349, sections 3.1–3.3 and their appendix A:

.. math::
    \lambda_j = \exp(-\exp(\nu_j) + i \exp(\theta_j)) \\
    x_t = \lambda \odot x_{t-1} + \gamma \odot (B u_t),\quad \gamma_j = \exp(\gamma^{\log}_j) \
        \text{(initialised to } \sqrt{1 - |\lambda_j|^2}\text{)} \\
    y_t = \mathrm{Re}(C x_t) + D u_t,\quad h_t = \mathrm{GELU}(y_t)

with u_t the layer's input (I), x_t ∈ ℂ^H its recurrent state and h_t ∈ ℝ^H its output (what
the next layer and the head read). The recurrence is linear: the paper's deep LRU puts the
non-linearity between layers (its LRU block ends in a GELU and an MLP); here a GELU on y_t is
that non-linearity. A task that needs a product of inputs at one step (the adding task's value
× marker) therefore needs two layers: the first computes it, the second sums it over time. |λ_j| = exp(−exp(ν_j)) < 1 for every ν, so the recurrence is
stable whatever the training does; the ring initialisation draws |λ| uniformly in
[r_min, r_max] (by area) and arg λ in [0, max_phase]. Weights: ``nu_log``, ``theta_log``,
``gamma_log`` (H); ``weight_in`` (3H, I) stacks Re B, Im B and D; ``C`` (H, 2H) is
[Re C | Im C]. The state is the pair (h_t, x_t); the views read h_t as the hidden state, the
gate "m" is |x_t| (how much each mode remembers) and ‖∂L/∂x_t‖ is the gradient through time.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from models.cell_base import Clamp
from models.scan import linear_scan
from models.scan_cell import ScanCell

R_MIN, R_MAX, MAX_PHASE = 0.5, 0.95, math.pi     # the ring |λ| ∈ [r_min, r_max], arg λ ∈ [0, max_phase] at init


def lru_eigenvalues(nu_log: torch.Tensor, theta_log: torch.Tensor) -> torch.Tensor:
    """λ = exp(−exp(ν) + i·exp(θ)), complex (H,)."""
    return torch.exp(torch.complex(-torch.exp(nu_log), torch.exp(theta_log)))


def _read_out(x: torch.Tensor, C: torch.Tensor, du: torch.Tensor) -> torch.Tensor:
    """GELU(Re(C x) + D u) for x complex (..., H), C = [Re C | Im C] (H, 2H), du = D u (..., H)."""
    H = x.shape[-1]
    return F.gelu(F.linear(x.real, C[:, :H]) - F.linear(x.imag, C[:, H:]) + du)


def lru_step(u_t, state, nu_log, theta_log, gamma_log, weight_in, C, clamp: Clamp = None, x_proj=None):
    """One LRU step (the equations of the module docstring): u_t (B, I), state (h_{t−1}, x_{t−1}) ->
    ((h_t, x_t), {"m": |x_t|, "h": h_t}). ``x_proj`` (B, 3H), if given, is weight_in u_t."""
    H = nu_log.shape[0]
    p = F.linear(u_t, weight_in) if x_proj is None else x_proj
    x = lru_eigenvalues(nu_log, theta_log) * state[1] + torch.exp(gamma_log) * torch.complex(p[:, :H], p[:, H:2 * H])
    h = _read_out(x, C, p[:, 2 * H:])
    return (h, x), {"m": x.abs(), "h": h}


class LRUCell(ScanCell):
    """LRU layer: ``step`` one t at a time, ``scan`` every t at once (associative scan)."""

    blocks = ("B_re", "B_im", "D")
    gate_names = ("m", "h")
    has_eigenvalues = True
    step = staticmethod(lru_step)

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__(input_size, hidden_size)
        H = hidden_size
        self.nu_log = nn.Parameter(torch.empty(H))
        self.theta_log = nn.Parameter(torch.empty(H))
        self.gamma_log = nn.Parameter(torch.empty(H))
        self.weight_in = nn.Parameter(torch.empty(3 * H, input_size))
        self.C = nn.Parameter(torch.empty(H, 2 * H))
        self.reset_parameters()

    def weights(self):
        """(nu_log, theta_log, gamma_log, weight_in, C)."""
        return self.nu_log, self.theta_log, self.gamma_log, self.weight_in, self.C

    @staticmethod
    def zero_state(zero: torch.Tensor):
        """(h_0, x_0) = (0, 0 + 0i)."""
        return zero, torch.complex(zero, zero)

    def eigenvalues(self) -> torch.Tensor:
        """λ (H,), complex."""
        return lru_eigenvalues(self.nu_log, self.theta_log)

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """The ring initialisation (paper, section 3.2) and B, C, D ~ N(0, 1/fan_in), drawn from ``generator``."""
        H, I = self.hidden_size, self.input_size
        with torch.no_grad():
            u1, u2 = torch.rand(2, H, generator=generator, dtype=torch.float64)
            self.nu_log.copy_(torch.log(-0.5 * torch.log(u1 * (R_MAX ** 2 - R_MIN ** 2) + R_MIN ** 2)))
            self.theta_log.copy_(torch.log(MAX_PHASE * u2.clamp_min(1e-4)))
            modulus = torch.exp(-torch.exp(self.nu_log.double()))
            self.gamma_log.copy_(torch.log(torch.sqrt(1 - modulus ** 2)))
            self.weight_in[:2 * H].normal_(0, 1 / math.sqrt(2 * I), generator=generator)   # Re B, Im B
            self.weight_in[2 * H:].normal_(0, 1 / math.sqrt(I), generator=generator)       # D
            self.C.normal_(0, 1 / math.sqrt(H), generator=generator)

    @staticmethod
    def project(u: torch.Tensor, nu_log, theta_log, gamma_log, weight_in, C) -> torch.Tensor:
        """weight_in u_t for every t: (B, T, I) -> (B, T, 3H) (Re B u, Im B u, D u)."""
        return F.linear(u, weight_in)

    def scan(self, u: torch.Tensor, state=None):
        """(every h_t (B, T, H), (h_T, x_T)) from u (B, T, I) and (h_0, x_0) or None (zeros)."""
        H = self.hidden_size
        p = self.project(u, *self.weights())
        b = torch.exp(self.gamma_log) * torch.complex(p[..., :H], p[..., H:2 * H])      # (B, T, H)
        x = linear_scan(self.eigenvalues(), b, None if state is None else state[1])
        h = _read_out(x, self.C, p[..., 2 * H:])
        return h, (h[:, -1], x[:, -1])
