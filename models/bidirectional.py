r"""Bidirectional recurrence (Schuster & Paliwal 1997): one pass forward in time, one backward, read together.

Any classic cell's step (``models.architectures``: ``row.step``) runs twice over the sequence
x_0..x_{T−1}, with its own weights per direction:

.. math::
    \overrightarrow{h}_t = \mathrm{step}(x_t, \overrightarrow{h}_{t-1}; \overrightarrow{W}),
        \quad t = 0 \dots T-1, \quad \overrightarrow{h}_{-1} = 0 \\
    \overleftarrow{h}_t = \mathrm{step}(x_t, \overleftarrow{h}_{t+1}; \overleftarrow{W}),
        \quad t = T-1 \dots 0, \quad \overleftarrow{h}_{T} = 0 \\
    y_t = W_y [\overrightarrow{h}_t ; \overleftarrow{h}_t] + b_y

so the output at step t has read the whole past (forward) and the whole future (backward). With
L layers, layer l+1 reads [→h_t ; ←h_t] of layer l (2H features), as
``torch.nn.RNN/GRU/LSTM(bidirectional=True)`` does; the weights live in that fused module (keys
``rnn.weight_ih_l{k}`` and ``rnn.weight_ih_l{k}_reverse``, …), which trains them, and ``replay``
steps the same weights through the cells one timestep at a time to record each direction's states
and gates. ``direction_grad_norms`` gives ‖∂L/∂h_t‖ per direction from autograd: the forward
direction's gradient flows back from late steps to early ones, the backward direction's the other way.

Reference: M. Schuster and K. K. Paliwal, "Bidirectional recurrent neural networks",
IEEE Trans. Signal Processing 45(11), 1997.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from models.architectures import ARCHITECTURES, OfArchitecture, architecture
from models.cell_base import input_projection
from models.network import InputFront, Replay

DIRECTIONS = ("forward", "backward")     # index 0 reads t = 0..T−1, index 1 reads t = T−1..0
SUFFIXES = ("", "_reverse")               # torch's parameter-name suffix of each direction


def fused_row(arch: str):
    """The table's row of ``arch``, which must train with a fused torch kernel (one that reads both ways);
    ValueError naming the cells that have one otherwise."""
    row = architecture(arch)
    if getattr(row, "fused", None) is None:
        fused = ", ".join(other.label for other in ARCHITECTURES.values() if getattr(other, "fused", None) is not None)
        raise ValueError(f"{row.label} has no fused kernel for this topology: choose one of {fused}")
    return row


@dataclass
class BiReplay:
    """What the glass-box pass of a bidirectional network saw, both directions in time order.

    out: (B, T, O) outputs. embedded: (B, T, I) what the first layer received.
    h[l][d][t]: (B, H) hidden state of layer l, direction d (0 forward, 1 backward) at position t
    (a graph node: gradients can flow). c[l][d][t]: the cell state (empty lists without one).
    gates[l][d][name]: list over t (time order) of (B, H) gate activations.
    """

    out: torch.Tensor
    embedded: torch.Tensor
    h: list[list[list[torch.Tensor]]]
    c: list[list[list[torch.Tensor]]]
    gates: list[list[dict[str, list[torch.Tensor]]]]

    def hidden(self, layer: int = -1) -> torch.Tensor:
        """(D=2, T, B, H): both directions' hidden states of one layer, in time order."""
        return torch.stack([torch.stack(hs) for hs in self.h[layer]])

    def as_replay(self) -> Replay:
        """The same record as a one-way network's ``Replay`` whose 2L "layers" are the directions, layer by
        layer (layer 0 forward, layer 0 backward, layer 1 forward, …): what the views of a ``Replay`` read."""
        def flat(per_layer):
            return [direction for layer in per_layer for direction in layer]
        return Replay(self.out, self.embedded, flat(self.h), flat(self.c), flat(self.gates), recurrent=flat(self.h))


def run_direction(row, layer_in: torch.Tensor, weights: tuple, reverse: bool, options: dict,
                  offsets: torch.Tensor | None = None):
    """Step ``row``'s cell over ``layer_in`` (B, T, I), forward or ``reverse`` in time.

    ``offsets`` (T, B, H), if given, is added to h after each step (zero offsets that require
    grad give ∂L/∂h_t as their gradient; nudged ones give finite differences).
    Returns (hs, cs, gates) indexed by position t in time order, whichever way the pass ran.
    """
    W_ih, W_hh, b_ih, b_hh = weights
    B, T, _ = layer_in.shape
    x_proj = input_projection(layer_in, W_ih, b_ih, b_hh if row.bias_folded else None)   # (B, T, G·H)
    state = row.zero_state(layer_in.new_zeros(B, W_hh.shape[1]))
    hs, cs, gates = [None] * T, [None] * T, {name: [None] * T for name in row.gates}
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        state, g = row.step(layer_in[:, t], state, *weights, x_proj=x_proj[:, t], **options)
        if offsets is not None:
            state = (state[0] + offsets[t], *state[1:]) if row.has_cell_state else state + offsets[t]
        hs[t] = row.hidden_of(state)
        if row.has_cell_state:
            cs[t] = state[1]
        for name in row.gates:
            gates[name][t] = g[name]
    return hs, (cs if row.has_cell_state else []), gates


class BidirectionalNet(OfArchitecture, InputFront, nn.Module):
    """Embedding or raw input -> L bidirectional recurrent layers -> linear head on [→h_t ; ←h_t].

    Args: as ``models.network.SequenceNet``: arch (a name of the architecture table, a classic
    cell with a fused kernel), input_size, hidden (H per direction), layers, output_size,
    vocab_size (> 0 embeds token ids), activation (the vanilla cell's non-linearity).
    Attributes (state_dict keys): ``embed.weight`` (if any); ``rnn.*`` exactly as
    ``torch.nn.RNN/GRU/LSTM(..., batch_first=True, bidirectional=True)``; ``head.weight`` (O, 2H), ``head.bias``.
    """

    def __init__(self, arch: str, input_size: int, hidden: int, layers: int = 1,
                 output_size: int = 1, vocab_size: int = 0, activation: str = "tanh"):
        super().__init__()
        self.arch, self.hidden, self.layers = arch, hidden, layers
        self.vocab_size, self.activation = vocab_size, activation
        row = fused_row(arch)
        rnn_in = self.build_front(input_size, vocab_size)
        self.rnn = row.fused(rnn_in, hidden, layers, batch_first=True, bidirectional=True,
                             **row.fused_options(activation))
        self.head = nn.Linear(2 * hidden, output_size)

    def forward(self, x: torch.Tensor, state=None):
        """Fused path: x -> (out (B, T, O), final state as torch.nn returns it: (2L, B, H) per part)."""
        hs, state = self.rnn(self.encode(x), state)        # (B, T, 2H)
        return self.head(hs), state

    def layer_weights(self, layer: int, direction: int) -> tuple[torch.Tensor, ...]:
        """(W_ih, W_hh, b_ih, b_hh) of one layer and direction (0 forward, 1 backward), read from the fused module."""
        suffix = f"_l{layer}{SUFFIXES[direction]}"
        return tuple(getattr(self.rnn, name + suffix) for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    def replay(self, x: torch.Tensor, embedded: torch.Tensor | None = None,
               offsets: torch.Tensor | None = None) -> BiReplay:
        """Glass-box path: both directions of every layer stepped through the cells, one t at a time.

        ``embedded`` may be given (a leaf that requires grad, for gradients with respect to the
        inputs). ``offsets`` (L, 2, T, B, H), if given, is added to each h after its step.
        """
        row = self.architecture
        options = row.step_options(self.activation)
        embedded = self.encode(x) if embedded is None else embedded
        layer_in = embedded
        all_h, all_c, all_g = [], [], []
        for layer in range(self.layers):
            runs = [run_direction(row, layer_in, self.layer_weights(layer, d), reverse=bool(d), options=options,
                                  offsets=None if offsets is None else offsets[layer, d])
                    for d in range(len(DIRECTIONS))]
            all_h.append([hs for hs, _, _ in runs])
            all_c.append([cs for _, cs, _ in runs])
            all_g.append([gates for _, _, gates in runs])
            layer_in = torch.cat([torch.stack(hs, dim=1) for hs, _, _ in runs], dim=2)   # (B, T, 2H)
        return BiReplay(self.head(layer_in), embedded, all_h, all_c, all_g)


def direction_grad_norms(replay: BiReplay, loss: torch.Tensor) -> torch.Tensor:
    """‖∂L/∂h_t‖ of every layer and direction, from autograd: (L, 2, T).

    ``loss`` is a scalar computed from ``replay.out``. Each norm is taken over the batch and the
    units together, as the probe does for a unidirectional network. The graph is kept, so the
    caller may still differentiate ``loss`` with respect to the parameters.
    """
    nodes = [h for layer in replay.h for direction in layer for h in direction]
    grads = torch.autograd.grad(loss, nodes, retain_graph=True, allow_unused=True)
    norms = torch.stack([g.norm() if g is not None else nodes[0].new_zeros(()) for g in grads])
    L, D, T = len(replay.h), len(DIRECTIONS), len(replay.h[0][0])
    return norms.reshape(L, D, T)
