r"""Parallel scans of the first-order linear recurrence h_t = a_t ⊙ h_{t−1} + b_t.

Both return every h_t of a sequence (B, T, ...) at once, with a handful of whole-sequence
tensor operations instead of T small steps; autograd differentiates through them.

- ``log_space_scan`` (Heinsen 2023, "Efficient Parallelization of a Ubiquitous Sequential
  Computation", arXiv 2311.06281; the form Feng et al. 2024 train minGRU and minLSTM with):
  for a_t > 0 and b_t > 0 given as logs,

      a*_t = Σ_{s≤t} log a_s,    h_t = exp(a*_t + logcumsumexp_{s≤t}(log b_s − a*_s)) + exp(a*_t) h_0.

  (``log_cumsum_exp`` computes the log-cumulative-sum-exp itself, by the rounds below.)

  The start state h_0 is added apart, so it may be 0 or negative.
- ``linear_scan``: the associative scan of Hillis and Steele (1986) over the pairs (a, b),
  composed as (a₁, b₁) then (a₂, b₂) = (a₂a₁, a₂b₁ + b₂), in ⌈log₂ T⌉ rounds. It takes any
  a_t, real or complex (the LRU's and S6's diagonal recurrences), and never divides.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def positive(x: torch.Tensor) -> torch.Tensor:
    """g(x) = x + ½ for x ≥ 0, σ(x) below: a positive, continuous stand-in for the identity
    (Feng et al. 2024, section 3.1), so that the log-space scan can take the candidate state."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_positive(x: torch.Tensor) -> torch.Tensor:
    """log g(x), computed without forming g(x) for x < 0: log(relu(x) + ½) or −softplus(−x)."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


def log_space_scan(log_a: torch.Tensor, log_b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """Every h_t of h_t = a_t h_{t−1} + b_t from log a_t, log b_t (B, T, H) and h_0 (B, H) or None (0)."""
    a_star = torch.cumsum(log_a, dim=1)                                   # (B, T, H)
    h = torch.exp(a_star + log_cumsum_exp(log_b - a_star))
    if h0 is not None:
        h = h + torch.exp(a_star) * h0.unsqueeze(1)
    return h


def log_cumsum_exp(v: torch.Tensor) -> torch.Tensor:
    """log Σ_{s≤t} exp v_s along dim 1, as torch.logcumsumexp, in ⌈log₂ T⌉ rounds of logaddexp
    (Hillis and Steele): on CPU torch's own kernel, forward and backward, is several times slower."""
    T, shift = v.shape[1], 1
    while shift < T:
        v = torch.cat((v[:, :shift], torch.logaddexp(v[:, shift:], v[:, :-shift])), dim=1)
        shift *= 2
    return v


def linear_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """Every h_t of h_t = a_t ⊙ h_{t−1} + b_t for b (B, T, ...), a broadcastable to b, h_0 (B, ...) or None."""
    a = a.expand_as(b)
    if h0 is not None:                        # fold h_0 into the first step: b_1 + a_1 h_0
        b = torch.cat((b[:, :1] + a[:, :1] * h0.unsqueeze(1), b[:, 1:]), dim=1)
    T, shift = b.shape[1], 1
    while shift < T:                          # after this round, (a_t, b_t) covers steps t−2·shift+1 … t
        b = torch.cat((b[:, :shift], b[:, shift:] + a[:, shift:] * b[:, :-shift]), dim=1)
        a = torch.cat((a[:, :shift], a[:, shift:] * a[:, :-shift]), dim=1)
        shift *= 2
    return b
