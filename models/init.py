"""Initialisations of the recurrent matrices that a teacher wants to show.

- default: PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for every weight.
- orthogonal: each gate block of W_hh a random orthogonal matrix (Saxe et al. 2014).
- identity: each gate block of W_hh = I and recurrent biases 0 (IRNN, Le et al. 2015).
- spectral: each gate block of W_hh a Gaussian matrix rescaled to spectral radius rho.
"""
from __future__ import annotations

import math

import torch
from torch import nn

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
            elif isinstance(module, nn.Linear):
                bound = 1.0 / math.sqrt(module.in_features)
                nn.init.uniform_(module.weight, -bound, bound, generator=generator)
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
                   generator: torch.Generator | None = None) -> None:
    """Re-initialise every layer's weight_hh (per gate block) of a fused torch.nn RNN/GRU/LSTM."""
    if scheme == "default":
        return
    if scheme not in INITS:
        raise ValueError(f"unknown init '{scheme}'")
    H = rnn.hidden_size
    with torch.no_grad():
        for layer in range(rnn.num_layers):
            W_hh = getattr(rnn, f"weight_hh_l{layer}")              # (G*H, H)
            for block in W_hh.split(H, dim=0):
                if scheme == "orthogonal":
                    q, _ = torch.linalg.qr(torch.randn(H, H, generator=generator))
                    block.copy_(q)
                elif scheme == "identity":
                    block.copy_(torch.eye(H))
                else:
                    block.copy_(_scaled_gaussian(H, radius, generator))
            if scheme == "identity":
                getattr(rnn, f"bias_hh_l{layer}").zero_()
                getattr(rnn, f"bias_ih_l{layer}").zero_()
