"""What every from-scratch recurrent cell shares: parameters laid out as PyTorch's."""
from __future__ import annotations

import math

import torch
from torch import nn

# Optional gate clamps for interventions: gate name -> constant value.
Clamp = dict[str, float] | None


def apply_clamp(clamp: Clamp, name: str, value: torch.Tensor) -> torch.Tensor:
    """Replace a gate by a constant when an intervention clamps it."""
    if clamp and name in clamp:
        return torch.full_like(value, float(clamp[name]))
    return value


def input_projection(x: torch.Tensor, W_ih: torch.Tensor, b_ih: torch.Tensor,
                     b_hh: torch.Tensor | None = None) -> torch.Tensor:
    """The input term W_ih x + b_ih (+ b_hh when given) for x of shape (..., I): one product.

    The replay calls it once for a whole sequence (B, T, I), which leaves a single
    matrix product per timestep inside the recurrence.
    """
    return torch.nn.functional.linear(x, W_ih, b_ih if b_hh is None else b_ih + b_hh)


class RecurrentCell(nn.Module):
    """Base of the cells: weight_ih (G*H, I), weight_hh (G*H, H), bias_ih, bias_hh (G*H).

    G is the number of gate blocks (1 for RNN, 3 for GRU: r|z|n, 4 for LSTM: i|f|g|o),
    stacked in PyTorch's order so that a cell and ``torch.nn.*Cell`` share one state_dict.
    Initialised as PyTorch does: U(-1/sqrt(H), 1/sqrt(H)).
    """

    blocks: tuple[str, ...] = ()          # the gate blocks stacked in the weights, PyTorch's order
    gate_names: tuple[str, ...] = ()      # the gates ``forward`` returns, "h" last

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        G = len(self.blocks) * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(G, input_size))
        self.weight_hh = nn.Parameter(torch.empty(G, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(G))
        self.bias_hh = nn.Parameter(torch.empty(G))
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def weights(self):
        """(W_ih, W_hh, b_ih, b_hh) in the order the step functions take them."""
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh
