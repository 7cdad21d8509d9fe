"""The sequence network: fused kernels for training, a step-by-step replay for seeing inside.

    x (B, T) ids ──embed──┐
    x (B, T, I) floats ───┴─> recurrent layers 1..L ──> h_t (B, T, H) ──head──> y_t (B, T, O)

``forward`` runs torch.nn.RNN/GRU/LSTM, or a scan cell's parallel scan (the fast path);
``replay`` runs the same weights one timestep at a time through the from-scratch cells'
steps (the glass-box path), optionally with interventions, and returns every state and gate.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from models.architectures import OfArchitecture, architecture

MAX_EMBEDDING = 32          # an embedding is as wide as the vocabulary, at most this


def embedding_width(vocab_size: int) -> int:
    """E, the width of the embedding a network with ``vocab_size`` token ids reads through."""
    return min(vocab_size, MAX_EMBEDDING)


class InputFront:
    """Mixin of the networks that read either token ids (``vocab_size`` > 0: embedded) or float inputs."""

    embed: nn.Embedding | None

    def build_front(self, input_size: int, vocab_size: int) -> int:
        """Set ``embed`` (None for float inputs); return the width the recurrent layers read."""
        self.embed = nn.Embedding(vocab_size, embedding_width(vocab_size)) if vocab_size else None
        return self.embed.embedding_dim if self.embed is not None else input_size

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Token ids (B, T) -> embeddings (B, T, E); float inputs pass through."""
        return self.embed(x) if self.embed is not None else x


@dataclass
class Intervention:
    """Edits applied during replay: clamp gates, silence units, scale W_hh.

    clamp: gate name -> constant (e.g. {"f": 1.0} holds the LSTM forget gate open).
    ablate: hidden units (last layer) whose h_t (and c_t) is forced to 0.
    scale_hh: factor applied to every layer's recurrent matrix W_hh (a cell without one has
    nothing to scale: ``playground.lessons.interventions`` refuses it there).
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
    c[l][t]: (B, H) cell state (empty lists for an architecture without one).
    gates[l][name]: list over t of (B, H) gate activations.
    recurrent[l][t]: where the gradient through time is measured (``Architecture.recurrent_of``:
    h, or what a scan cell's next step reads back, the LRU's complex x).
    attention: (B, T_out, S) the attention weights of a network that attends (output step × input
    step, each row summing to 1), else None.
    """

    out: torch.Tensor
    embedded: torch.Tensor
    h: list[list[torch.Tensor]]
    c: list[list[torch.Tensor]]
    gates: list[dict[str, list[torch.Tensor]]]
    recurrent: list[list[torch.Tensor]] = field(default_factory=list)
    attention: torch.Tensor | None = None


class SequenceNet(OfArchitecture, InputFront, nn.Module):
    """Embedding or raw input -> L stacked recurrent layers -> linear head at every step.

    Args:
        arch: a name of ``models.architectures.ARCHITECTURES``. input_size: features per step
        (ignored if vocab_size). hidden: H. layers: L (1-3). output_size: O. vocab_size: > 0
        to embed token ids (into ``embedding_width(vocab_size)`` features).
        activation: the vanilla RNN's non-linearity, "tanh" or "relu".
    Attributes (state_dict keys): ``embed.weight`` (if any); ``rnn.weight_ih_l{k}``,
    ``rnn.weight_hh_l{k}``, ``rnn.bias_ih_l{k}``, ``rnn.bias_hh_l{k}`` exactly as in
    torch.nn.RNN/GRU/LSTM(batch_first=True), or a scan cell's ``rnn.cells.{k}.<name>``;
    ``head.weight``, ``head.bias``.
    """

    def __init__(self, arch: str, input_size: int, hidden: int, layers: int = 1,
                 output_size: int = 1, vocab_size: int = 0, activation: str = "tanh"):
        super().__init__()
        self.arch, self.hidden, self.layers = arch, hidden, layers
        self.vocab_size, self.activation = vocab_size, activation
        rnn_in = self.build_front(input_size, vocab_size)
        self.rnn = architecture(arch).build_layers(rnn_in, hidden, layers, activation)
        self.head = nn.Linear(hidden, output_size)

    @property
    def gate_names(self) -> tuple[str, ...]:
        """The gates this architecture records (h shown apart)."""
        return self.architecture.gates

    def forward(self, x: torch.Tensor, state=None):
        """Fused path: x -> (out (B, T, O), final state as torch.nn returns it)."""
        hs, state = self.rnn(self.encode(x), state)        # (B, T, H)
        return self.head(hs), state

    def layer_weights(self, layer: int, scale_hh: float = 1.0):
        """(W_ih, W_hh, b_ih, b_hh) of one layer, read from the fused module (a scan cell's own
        weights, ``ScanCell.weights``, where the row has no fused module)."""
        r = self.rnn
        if not self.architecture.has_recurrent_matrix:
            return r.cells[layer].weights()
        W_hh = getattr(r, f"weight_hh_l{layer}")
        return (getattr(r, f"weight_ih_l{layer}"), W_hh * scale_hh if scale_hh != 1.0 else W_hh,
                getattr(r, f"bias_ih_l{layer}"), getattr(r, f"bias_hh_l{layer}"))

    def eigenvalues(self, layer: int) -> torch.Tensor | None:
        """The eigenvalues (complex) of a layer's recurrence: its recurrent matrix (the W_hh block
        that feeds the candidate state), a scan cell's fixed diagonal, or None without either."""
        row = self.architecture
        if row.has_recurrent_matrix:
            H, k = self.hidden, row.blocks.index(row.candidate)
            W = getattr(self.rnn, f"weight_hh_l{layer}")[k * H:(k + 1) * H]
            return torch.linalg.eigvals(W.detach().double())
        values = self.rnn.cells[layer].eigenvalues()
        return None if values is None else values.detach()

    def replay(self, x: torch.Tensor, intervention: Intervention | None = None,
               embedded: torch.Tensor | None = None, cut_every: int = 0) -> Replay:
        """Glass-box path: the same weights stepped through the cells, one t at a time.

        ``embedded`` may be given (e.g. a leaf tensor that requires grad, to take
        gradients with respect to the inputs); otherwise it is ``encode(x)``. ``cut_every``
        k > 0 detaches the state entering steps k + 1, 2k + 1, … (truncated BPTT) for a
        replay that autograd differentiates.
        """
        iv = intervention or Intervention()
        row = self.architecture
        options, names = row.step_options(self.activation), row.gates
        embedded = self.encode(x) if embedded is None else embedded
        layer_in = embedded                                      # (B, T, I)
        B, T, _ = layer_in.shape
        all_h, all_c, all_g, all_r = [], [], [], []
        for layer in range(self.layers):
            W = self.layer_weights(layer, iv.scale_hh)
            state = row.zero_state(layer_in.new_zeros(B, self.hidden))
            hs, cs, gates, rec = [], [], {}, []
            keep = None
            if layer == self.layers - 1 and iv.ablate:
                keep = torch.ones(self.hidden, dtype=layer_in.dtype)
                keep[list(iv.ablate)] = 0
            x_proj = row.project(layer_in, W)                 # (B, T, G·H)
            for t in range(T):
                if cut_every > 0 and t > 0 and t % cut_every == 0:
                    state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
                state, g = row.step(layer_in[:, t], state, *W, clamp=iv.clamp, x_proj=x_proj[:, t], **options)
                if keep is not None:
                    state = row.masked_state(state, keep)
                hs.append(row.hidden_of(state))
                rec.append(row.recurrent_of(state))
                if row.has_cell_state:
                    cs.append(state[1])
                for name in names:
                    gates.setdefault(name, []).append(g[name])
            all_h.append(hs)
            all_c.append(cs)
            all_g.append(gates)
            all_r.append(rec)
            layer_in = torch.stack(hs, dim=1)                  # (B, T, H)
        return Replay(self.head(layer_in), embedded, all_h, all_c, all_g, all_r)


def build_network(config, task, generator: torch.Generator | None = None) -> nn.Module:
    """The network of ``config``'s shape (``models.networks``: a one-way ``SequenceNet``, a bidirectional
    one, an encoder–decoder…) sized for ``task`` and initialised per ``config`` (seeded by ``generator``);
    ValueError with a one-line reason when the shape does not fit the task or the architecture."""
    from models.init import init_gate_bias, init_recurrent, reset_parameters
    from models.networks import network_shape

    shape = network_shape(getattr(config, "network", None))
    shape.refuse(config.arch, type(task))
    with torch.random.fork_rng(devices=[]):    # parts no reset below reaches (a decoder's cell) start seeded too
        if generator is not None:
            torch.manual_seed(generator.initial_seed())
        net = shape.build(config.arch, task, config.hidden, config.layers, config.activation)
    net.network = shape.name                # the row the trainer and the probe read back (``network_of``)
    reset_parameters(net, generator)
    if shape.fused_stack:                   # the init schemes read a fused stack's W_hh (one direction)
        init_recurrent(net.rnn, config.init, config.radius, generator, net.architecture)
        init_gate_bias(net.rnn, net.architecture, config.gate_bias)
    return net


def one_way(arch: str, task, hidden: int, layers: int, activation: str) -> SequenceNet:
    """A one-way ``SequenceNet`` sized for ``task`` (the network table's first row builds this)."""
    return SequenceNet(arch, task.input_size, hidden, layers, task.output_size, task.vocab_size, activation)
