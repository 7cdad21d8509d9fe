r"""A single-layer causal self-attention network: the baseline that replaced recurrence.

Vaswani et al. 2017, "Attention is all you need", arXiv 1706.03762 (scaled dot-product and
multi-head attention, eqs. 1 and §3.2.2; sinusoidal positional encoding, §3.5). No state is carried
from step to step: every step reads every earlier step directly, at a cost that grows as T².

.. math::
    z_t = E x_t + p_t \qquad (p_t: \text{sinusoidal, } p_{t,2k} = \sin(t / 10000^{2k/d}),\
        p_{t,2k+1} = \cos(t / 10000^{2k/d}); \text{ or learned)} \\
    Q = Z W_Q^\top + b_Q, \quad K = Z W_K^\top + b_K, \quad V = Z W_V^\top + b_V
        \qquad \text{(split into } n \text{ heads of width } d_k = d / n) \\
    A^{(m)} = \mathrm{softmax}\!\left(\frac{Q^{(m)} K^{(m)\top}}{\sqrt{d_k}} + M\right), \quad
        M_{ts} = -\infty \text{ for } s > t \text{ (causal: no step reads a later one)} \\
    u_t = z_t + W_O [A^{(1)} V^{(1)} ; \dots ; A^{(n)} V^{(n)}]_t + b_O, \qquad y_t = W_y u_t + b_y

The attention's parameters are laid out as ``torch.nn.MultiheadAttention``'s (``in_proj_weight``
(3d, d) stacking W_Q, W_K, W_V, ``in_proj_bias``, ``out_proj``), so its state_dict loads there.
``forward`` returns the outputs and the attention map A (B, n, T, T): row t is where step t looked.
"""
from __future__ import annotations

import math

import torch
from torch import nn

POSITIONAL = ("sinusoidal", "learned")


def sinusoidal_encoding(length: int, width: int) -> torch.Tensor:
    """Vaswani et al.'s p_t (length, width): sin at even features, cos at odd ones, wavelengths 2π..10000·2π."""
    position = torch.arange(length, dtype=torch.float64)[:, None]
    rates = torch.exp(-math.log(10000.0) * torch.arange(0, width, 2, dtype=torch.float64) / width)
    table = torch.zeros(length, width, dtype=torch.float64)
    table[:, 0::2] = torch.sin(position * rates)
    table[:, 1::2] = torch.cos(position * rates[:width // 2])
    return table.float()


def causal_mask(length: int, device=None) -> torch.Tensor:
    """(T, T) bool, True where step t may NOT read step s (s > t): torch's ``attn_mask`` convention."""
    return torch.ones(length, length, dtype=torch.bool, device=device).triu(1)


class CausalSelfAttention(nn.Module):
    """Multi-head scaled dot-product self-attention under a causal mask, written from its equations.

    Parameters as ``torch.nn.MultiheadAttention(width, heads)``: in_proj_weight (3d, d),
    in_proj_bias (3d), out_proj.weight (d, d), out_proj.bias (d).
    """

    def __init__(self, width: int, heads: int = 1):
        super().__init__()
        if width % heads:
            raise ValueError(f"the width {width} must be a multiple of the heads {heads}")
        self.width, self.heads = width, heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * width, width))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * width))
        self.out_proj = nn.Linear(width, width)
        nn.init.xavier_uniform_(self.in_proj_weight)
        nn.init.zeros_(self.out_proj.bias)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """z (B, T, d) -> (the attended values after W_O (B, T, d), the attention map A (B, n, T, T))."""
        B, T, d = z.shape
        n, d_k = self.heads, d // self.heads
        q, k, v = nn.functional.linear(z, self.in_proj_weight, self.in_proj_bias).chunk(3, dim=-1)
        q, k, v = (part.reshape(B, T, n, d_k).transpose(1, 2) for part in (q, k, v))     # (B, n, T, d_k)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d_k)                            # (B, n, T, T)
        A = torch.softmax(scores.masked_fill(causal_mask(T, z.device), float("-inf")), dim=-1)
        heads = (A @ v).transpose(1, 2).reshape(B, T, d)                              # [head 1 ; … ; head n]
        return self.out_proj(heads), A


class AttentionNet(nn.Module):
    """Embedding or raw input -> + positions -> one causal self-attention layer (residual) -> linear head.

    Args: input_size (features per step; ignored when vocab_size > 0, which embeds token ids),
    width d, output_size O, max_len (the longest sequence: learned positions need a table),
    heads n, positional ("sinusoidal" or "learned"), vocab_size.
    ``forward(x)`` -> (out (B, T, O), attention map (B, n, T, T)), the pair a SequenceNet's
    ``forward`` returns with the map in the place of the final state.
    """

    def __init__(self, input_size: int, width: int, output_size: int, max_len: int, heads: int = 1,
                 positional: str = "sinusoidal", vocab_size: int = 0):
        super().__init__()
        if positional not in POSITIONAL:
            raise ValueError(f"unknown positional encoding {positional!r}: choose one of {', '.join(POSITIONAL)}")
        self.max_len, self.positional = max_len, positional
        self.embed = nn.Embedding(vocab_size, width) if vocab_size else nn.Linear(input_size, width)
        if positional == "learned":
            self.position = nn.Parameter(torch.randn(max_len, width) * 0.02)
        else:
            self.register_buffer("position", sinusoidal_encoding(max_len, width), persistent=False)
        self.attention = CausalSelfAttention(width, heads)
        self.head = nn.Linear(width, output_size)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T) ids or (B, T, I) floats, T <= max_len -> (out (B, T, O), attention map (B, n, T, T))."""
        T = x.shape[1]
        if T > self.max_len:
            raise ValueError(f"a sequence of {T} steps is longer than this network's {self.max_len} positions")
        z = self.embed(x) + self.position[:T].to(dtype=self.head.weight.dtype)     # (B, T, d)
        attended, A = self.attention(z)
        return self.head(z + attended), A
