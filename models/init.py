"""Initialisations of the recurrent matrices that a teacher wants to show.

- default: PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for every weight.
- orthogonal: each gate block of W_hh a random orthogonal matrix (Saxe et al. 2014).
- identity: the block of W_hh that feeds the new state = I. In the vanilla RNN that is all of W_hh, and
  its biases start at 0: with ReLU this is the IRNN of Le et al. (2015); with tanh it is only an identity
  start. In a GRU or LSTM only the candidate block (n, g) is I; the gate blocks keep PyTorch's draw, so
  the gates still start near 0.5 (an identity gate block is no known recipe, and not IRNN).
- spectral: each gate block of W_hh a Gaussian matrix rescaled to spectral radius rho.

A scan cell (no W_hh) keeps its own initialisation (``ScanCell.reset_parameters``: the LRU's
ring); the schemes above do not apply to it and leave it as it is.

``init_gate_bias`` adds a constant to the bias of the gate that keeps the memory (the LSTM's forget
gate f, the GRU's update gate z; the architecture table's ``memory_gate``): +1 is the forget-gate bias
of Gers et al. (2000) and Jozefowicz et al. (2015).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from models.architectures import Architecture
from models.scan_cell import ScanCell

INITS = ("default", "orthogonal", "identity", "spectral")


def reset_parameters(net: nn.Module, generator: torch.Generator | None = None) -> None:
    """PyTorch's default initialisation, drawn from ``generator`` (not the global RNG).

    Recurrent and linear weights ~ U(-1/sqrt(fan), 1/sqrt(fan)) (fan = hidden size for
    the recurrent layers, input features for a Linear); embeddings ~ N(0, 1). Drawing
    from a per-run generator keeps runs reproducible while other sessions train.
    """
    with torch.no_grad():
        for module in net.modules():
            if isinstance(module, nn.RNNBase):
                bound = 1.0 / math.sqrt(module.hidden_size)
                for p in module.parameters():
                    nn.init.uniform_(p, -bound, bound, generator=generator)
            elif isinstance(module, ScanCell):
                module.reset_parameters(generator)
            elif isinstance(module, nn.Linear):
                bound = 1.0 / math.sqrt(module.in_features)
                nn.init.uniform_(module.weight, -bound, bound, generator=generator)
                if module.bias is not None:
                    nn.init.uniform_(module.bias, -bound, bound, generator=generator)
            elif isinstance(module, nn.Embedding):
                nn.init.normal_(module.weight, generator=generator)


def spectral_radius(W: torch.Tensor) -> float:
    """max |eigenvalue| of a square matrix."""
    return torch.linalg.eigvals(W.detach().double()).abs().max().item()


def _scaled_gaussian(H: int, rho: float, generator: torch.Generator | None) -> torch.Tensor:
    W = torch.randn(H, H, generator=generator, dtype=torch.float64)
    return (W * (rho / spectral_radius(W))).float()


def init_recurrent(rnn: nn.RNNBase, scheme: str, radius: float = 1.0,
                   generator: torch.Generator | None = None, row: Architecture | None = None) -> None:
    """Re-initialise every layer's weight_hh (per gate block) of a fused torch.nn RNN/GRU/LSTM.

    ``row`` (the architecture table's row) tells a gated cell's candidate block apart for
    ``identity``; without it every block is set to I (the gradient lab's bare matrices). A row
    without a recurrent matrix (a scan cell) is left as it is.
    """
    if scheme == "default" or (row is not None and not row.has_recurrent_matrix):
        return
    if scheme not in INITS:
        raise ValueError(f"unknown init '{scheme}'")
    H = rnn.hidden_size
    gated = row is not None and row.gated
    with torch.no_grad():
        for layer in layer_suffixes(rnn):
            W_hh = getattr(rnn, f"weight_hh_{layer}")               # (G*H, H)
            for name, block in zip(row.blocks if row else [None] * (W_hh.shape[0] // H), W_hh.split(H, dim=0)):
                if scheme == "orthogonal":
                    q, _ = torch.linalg.qr(torch.randn(H, H, generator=generator))
                    block.copy_(q)
                elif scheme == "identity":
                    if not gated or name == row.candidate:
                        block.copy_(torch.eye(H))
                else:
                    block.copy_(_scaled_gaussian(H, radius, generator))
            if scheme == "identity" and not gated:
                getattr(rnn, f"bias_hh_{layer}").zero_()
                getattr(rnn, f"bias_ih_{layer}").zero_()


def init_gate_bias(rnn: nn.Module, row: Architecture, bias: float) -> None:
    """Add ``bias`` to the memory gate's input bias b_ih in every layer (nothing for a cell without one)."""
    if row.memory_gate is None or bias == 0:
        return
    H, k = rnn.hidden_size, row.blocks.index(row.memory_gate)
    with torch.no_grad():
        for k_layer, layer in enumerate(layer_suffixes(rnn)):
            b_ih = getattr(rnn, f"bias_ih_{layer}") if row.has_recurrent_matrix else rnn.cells[k_layer].bias_ih
            b_ih[k * H:(k + 1) * H] += bias


def layer_suffixes(rnn: nn.Module) -> list[str]:
    """The names torch gives each layer's weights, ``l0``, ``l1``, … and, in a bidirectional module, each
    backward direction's ``l0_reverse``, … (a scan stack's layers are numbered the same way)."""
    directions = ("", "_reverse") if isinstance(rnn, nn.RNNBase) and rnn.bidirectional else ("",)
    return [f"l{layer}{suffix}" for layer in range(rnn.num_layers) for suffix in directions]
