"""What every scan cell shares: a layer trained over the whole sequence at once, replayed step by step.

A scan cell (minGRU, minLSTM, the LRU) has no fused ``torch.nn`` kernel and no hand-written
backward: ``scan`` computes every state of a sequence with a parallel scan (``models.scan``) and
autograd differentiates it; ``step`` computes one state from the previous one and is what the
replay, the probe and the views read. The two must agree (``tests/models/test_scan_cells.py``).

Its parameters are the cell's own (no W_hh). ``project`` computes every input-only term of a
sequence in one product, as the classic cells' ``input_projection`` does; ``step`` then reads
its slice ``x_proj`` for step t.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from models.scan import log_space_scan


class ScanCell(nn.Module):
    """Base of the scan cells. Subclasses set ``blocks``, ``gate_names``, define ``weights``,
    ``project``, ``step`` (a staticmethod: ``step(x_t, state, *weights, clamp=, x_proj=)`` ->
    (state, gates)) and ``scan``, and may override ``zero_state`` and ``eigenvalues``.

    blocks: the row blocks of the input projection (G·H rows). gate_names: the gates ``step``
    returns, "h" last (the layer's output). has_eigenvalues: the recurrence is a fixed diagonal
    matrix whose eigenvalues ``eigenvalues`` returns (else it depends on the input).
    """

    blocks: tuple[str, ...] = ()
    gate_names: tuple[str, ...] = ()
    has_eigenvalues = False

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size

    def weights(self) -> tuple[torch.Tensor, ...]:
        """The tensors ``step`` and ``project`` take, in their order."""
        raise NotImplementedError

    @staticmethod
    def zero_state(zero: torch.Tensor):
        """The initial state made of ``zero`` (B, H)."""
        return zero

    def eigenvalues(self) -> torch.Tensor | None:
        """The recurrence's eigenvalues (complex), or None when it has no fixed matrix."""
        return None

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Every weight ~ U(−1/√fan_in, 1/√fan_in), PyTorch's Linear rule, drawn from ``generator``."""
        bound = 1.0 / math.sqrt(self.input_size)
        with torch.no_grad():
            for p in self.parameters():
                nn.init.uniform_(p, -bound, bound, generator=generator)

    def forward(self, x_t: torch.Tensor, state=None, clamp=None):
        """One step: (x_t (B, I), state or None) -> (state, gates)."""
        if state is None:
            state = self.zero_state(x_t.new_zeros(x_t.shape[0], self.hidden_size))
        return self.step(x_t, state, *self.weights(), clamp=clamp)


class InputGatedCell(ScanCell):
    """A scan cell whose gates read x_t alone (minGRU, minLSTM): one input projection W_ih x_t + b_ih
    of ``len(blocks)`` blocks, and h_t = a_t ⊙ h_{t−1} + b_t computed for every t in log space.

    Subclasses give ``log_coefficients(k)``: (log a_t, log b_t) from the projection k (B, T, G·H).
    """

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__(input_size, hidden_size)
        rows = len(self.blocks) * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(rows, input_size))
        self.bias_ih = nn.Parameter(torch.empty(rows))
        self.reset_parameters()

    def weights(self):
        """(W_ih, b_ih)."""
        return self.weight_ih, self.bias_ih

    @staticmethod
    def project(x: torch.Tensor, W_ih: torch.Tensor, b_ih: torch.Tensor) -> torch.Tensor:
        """W_ih x_t + b_ih for every t: (B, T, I) -> (B, T, G·H)."""
        return F.linear(x, W_ih, b_ih)

    def log_coefficients(self, k: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(log a_t, log b_t), each (B, T, H), from the projection ``k``."""
        raise NotImplementedError

    def scan(self, x: torch.Tensor, h0: torch.Tensor | None = None):
        """(every h_t (B, T, H), h_T) from x (B, T, I) and h_0 (B, H) or None (zeros)."""
        h = log_space_scan(*self.log_coefficients(self.project(x, *self.weights())), h0)
        return h, h[:, -1]


class ScanStack(nn.Module):
    """L scan cells stacked, with the fused modules' interface: ``forward(x (B, T, I), state)`` ->
    (every last-layer output (B, T, H), final state). A state is each layer's state stacked on a
    first axis of L (a tensor, or a tuple of them for a cell whose state is a pair)."""

    def __init__(self, cell: type[ScanCell], input_size: int, hidden_size: int, num_layers: int = 1):
        super().__init__()
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.cells = nn.ModuleList(cell(input_size if k == 0 else hidden_size, hidden_size)
                                   for k in range(num_layers))

    def forward(self, x: torch.Tensor, state=None):
        """The whole sequence through every layer by parallel scans."""
        finals = []
        for k, cell in enumerate(self.cells):
            start = None if state is None else (tuple(s[k] for s in state) if isinstance(state, tuple) else state[k])
            x, final = cell.scan(x, start)
            finals.append(final)
        if isinstance(finals[0], tuple):
            return x, tuple(torch.stack(part) for part in zip(*finals))
        return x, torch.stack(finals)
