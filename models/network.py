"""The sequence network: fused kernels for training, a step-by-step replay for seeing inside.

    x (B, T) ids ──embed──┐
    x (B, T, I) floats ───┴─> recurrent layers 1..L ──> h_t (B, T, H) ──head──> y_t (B, T, O)

``forward`` runs torch.nn.RNN/GRU/LSTM (the fast fused path); ``replay`` runs the same
weights one timestep at a time through the from-scratch cells (the glass-box path),
optionally with interventions, and returns every state and gate.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from models import GATES
from models.cell_base import input_projection
from models.gru_cell import gru_step
from models.lstm_cell import lstm_step
from models.rnn_cell import rnn_step

FUSED = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


@dataclass
class Intervention:
    """Edits applied during replay: clamp gates, silence units, scale W_hh.

    clamp: gate name -> constant (e.g. {"f": 1.0} holds the LSTM forget gate open).
    ablate: hidden units (last layer) whose h_t (and c_t) is forced to 0.
    scale_hh: factor applied to every layer's recurrent matrix W_hh.
    """

    clamp: dict[str, float] = field(default_factory=dict)
    ablate: tuple[int, ...] = ()
    scale_hh: float = 1.0

    def is_identity(self) -> bool:
        """True when the intervention changes nothing."""
        return not self.clamp and not self.ablate and self.scale_hh == 1.0


@dataclass
class Replay:
    """Everything the glass-box pass saw.

    out: (B, T, O) outputs. embedded: (B, T, I) what the first layer received.
    h[l][t]: (B, H) hidden state of layer l at step t (a graph node: grads can flow).
    c[l][t]: (B, H) LSTM cell state (empty lists for RNN/GRU).
    gates[l][name]: list over t of (B, H) gate activations.
    """

    out: torch.Tensor
    embedded: torch.Tensor
    h: list[list[torch.Tensor]]
    c: list[list[torch.Tensor]]
    gates: list[dict[str, list[torch.Tensor]]]


class SequenceNet(nn.Module):
    """Embedding or raw input -> L stacked recurrent layers -> linear head at every step.

    Args:
        arch: "rnn", "gru" or "lstm". input_size: features per step (ignored if vocab_size).
        hidden: H. layers: L (1-3). output_size: O. vocab_size: > 0 to embed token ids.
        activation: the vanilla RNN's non-linearity, "tanh" or "relu".
    Attributes (state_dict keys): ``embed.weight`` (if any); ``rnn.weight_ih_l{k}``,
    ``rnn.weight_hh_l{k}``, ``rnn.bias_ih_l{k}``, ``rnn.bias_hh_l{k}`` exactly as in
    torch.nn.RNN/GRU/LSTM(batch_first=True); ``head.weight``, ``head.bias``.
    """

    def __init__(self, arch: str, input_size: int, hidden: int, layers: int = 1,
                 output_size: int = 1, vocab_size: int = 0, activation: str = "tanh"):
        super().__init__()
        self.arch, self.hidden, self.layers = arch, hidden, layers
        self.vocab_size, self.activation = vocab_size, activation
        self.embed = nn.Embedding(vocab_size, min(vocab_size, 32)) if vocab_size else None
        rnn_in = self.embed.embedding_dim if vocab_size else input_size
        kwargs = {"nonlinearity": activation} if arch == "rnn" else {}
        self.rnn = FUSED[arch](rnn_in, hidden, layers, batch_first=True, **kwargs)
        self.head = nn.Linear(hidden, output_size)

    @property
    def gate_names(self) -> tuple[str, ...]:
        """The gates this architecture records (h shown apart)."""
        return GATES[self.arch]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Token ids (B, T) -> embeddings (B, T, E); float inputs pass through."""
        return self.embed(x) if self.embed is not None else x

    def forward(self, x: torch.Tensor, state=None):
        """Fused path: x -> (out (B, T, O), final state as torch.nn returns it)."""
        hs, state = self.rnn(self.encode(x), state)        # (B, T, H)
        return self.head(hs), state

    def layer_weights(self, layer: int, scale_hh: float = 1.0):
        """(W_ih, W_hh, b_ih, b_hh) of one layer, read from the fused module."""
        r = self.rnn
        W_hh = getattr(r, f"weight_hh_l{layer}")
        return (getattr(r, f"weight_ih_l{layer}"), W_hh * scale_hh if scale_hh != 1.0 else W_hh,
                getattr(r, f"bias_ih_l{layer}"), getattr(r, f"bias_hh_l{layer}"))

    def replay(self, x: torch.Tensor, intervention: Intervention | None = None,
               embedded: torch.Tensor | None = None) -> Replay:
        """Glass-box path: the same weights stepped through the cells, one t at a time.

        ``embedded`` may be given (e.g. a leaf tensor that requires grad, to take
        gradients with respect to the inputs); otherwise it is ``encode(x)``.
        """
        iv = intervention or Intervention()
        embedded = self.encode(x) if embedded is None else embedded
        layer_in = embedded                                      # (B, T, I)
        B, T, _ = layer_in.shape
        all_h, all_c, all_g = [], [], []
        for layer in range(self.layers):
            W = self.layer_weights(layer, iv.scale_hh)
            zero = layer_in.new_zeros(B, self.hidden)
            state = (zero, zero) if self.arch == "lstm" else zero
            hs, cs, gates = [], [], {}
            last = layer == self.layers - 1
            W_ih, W_hh, b_ih, b_hh = W
            x_proj = input_projection(layer_in, W_ih, b_ih, None if self.arch == "gru" else b_hh)   # (B, T, G·H)
            for t in range(T):
                x_t, xp = layer_in[:, t], x_proj[:, t]
                if self.arch == "lstm":
                    (h, c), g = lstm_step(x_t, state, *W, clamp=iv.clamp, x_proj=xp)
                elif self.arch == "gru":
                    h, g = gru_step(x_t, state, *W, clamp=iv.clamp, x_proj=xp)
                else:
                    h, g = rnn_step(x_t, state, *W, activation=self.activation, clamp=iv.clamp, x_proj=xp)
                if last and iv.ablate:
                    keep = torch.ones(self.hidden, dtype=h.dtype)
                    keep[list(iv.ablate)] = 0
                    h = h * keep
                    if self.arch == "lstm":
                        c = c * keep
                if self.arch == "lstm":
                    state = (h, c)
                    cs.append(c)
                else:
                    state = h
                hs.append(h)
                for name in self.gate_names:
                    gates.setdefault(name, []).append(g[name])
            all_h.append(hs)
            all_c.append(cs)
            all_g.append(gates)
            layer_in = torch.stack(hs, dim=1)                  # (B, T, H)
        return Replay(self.head(layer_in), embedded, all_h, all_c, all_g)


def build_network(config, task, generator: torch.Generator | None = None) -> SequenceNet:
    """A SequenceNet sized for ``task`` and initialised per ``config`` (seeded by ``generator``)."""
    from models.init import init_recurrent, reset_parameters

    net = SequenceNet(config.arch, task.input_size, config.hidden, config.layers,
                      task.output_size, task.vocab_size, config.activation)
    reset_parameters(net, generator)
    init_recurrent(net.rnn, config.init, config.radius, generator)
    return net
