r"""An encoder–decoder that feeds its own output back, with additive, dot-product or no attention.

The encoder (any classic cell of ``models.architectures``, trained by its fused kernel) reads the
source x_1..x_S into states h_1..h_S. The decoder, the same kind of cell stepped one output at a
time, starts from the encoder's final state, s_0 = h_S (and c_0 = c_S for an LSTM), and reads its
previous output token y_{i−1} (y_0 = GO): the true one while training (teacher forcing), its own
argmax when evaluating (free-running). Per output step i, by the kind of attention:

``none`` — the plain encoder–decoder (Sutskever et al. 2014, arXiv 1409.3215; Cho et al. 2014,
arXiv 1406.1078): everything about the source must pass through the last encoder state.

.. math::
    s_i = \mathrm{step}(E y_{i-1}, s_{i-1}), \qquad o_i = W_o s_i + b_o

``additive`` — Bahdanau, Cho & Bengio 2015, arXiv 1409.0473 (eqs. 4–6 and A.1.2): the previous
decoder state scores every encoder state, and the context enters the decoder's step.

.. math::
    e_{ij} = v_a^\top \tanh(W_a s_{i-1} + U_a h_j), \quad
    \alpha_{ij} = \frac{\exp e_{ij}}{\sum_k \exp e_{ik}}, \quad c_i = \sum_j \alpha_{ij} h_j \\
    s_i = \mathrm{step}([E y_{i-1} ; c_i], s_{i-1}), \qquad o_i = W_o [s_i ; c_i] + b_o

(the paper's deep output with a maxout layer is one linear layer here). The paper's encoder is
bidirectional, h_j = [→h_j ; ←h_j], so that h_j summarises the source around x_j from both sides:
``bidirectional_encoder=True`` does the same (keys 2H wide; the decoder starts from →h_S). With a
one-way encoder h_j has not read x_{j+1}, and a query made before the step (s_{i−1}) learns reversal
slowly; the dot score's query s_i has read y_{i−1} and learns it fast.

``dot`` — Luong, Pham & Manning 2015, arXiv 1508.04025 (global attention, the "dot" score,
eqs. 5–8): the current decoder state is the query, and the context shapes the output.

.. math::
    s_i = \mathrm{step}(E y_{i-1}, s_{i-1}), \quad
    \alpha_{ij} = \frac{\exp(s_i^\top h_j)}{\sum_k \exp(s_i^\top h_k)}, \quad c_i = \sum_j \alpha_{ij} h_j \\
    \tilde h_i = \tanh(W_c [c_i ; s_i]), \qquad o_i = W_s \tilde h_i + b_s

(without the paper's input feeding). In matrix form over all output steps the dot attention is
softmax(Q Kᵀ) V with Q the decoder states, K = V the encoder states. ``Seq2Seq.forward`` returns
the logits o_i and the weights α (output step × input step) for the heatmap.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from models.architectures import OfArchitecture
from models.bidirectional import fused_row
from models.network import InputFront, embedding_width


def additive_scores(query: torch.Tensor, keys: torch.Tensor, W_a: torch.Tensor, U_a: torch.Tensor,
                    v_a: torch.Tensor) -> torch.Tensor:
    """Bahdanau's e_j = v_aᵀ tanh(W_a q + U_a h_j): query (B, H), keys (B, S, H) -> (B, S)."""
    return torch.tanh((query @ W_a.T)[:, None] + keys @ U_a.T) @ v_a


def dot_scores(query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
    """Luong's dot score e_j = qᵀ h_j: query (B, H), keys (B, S, H) -> (B, S)."""
    return torch.einsum("bh,bsh->bs", query, keys)


def attend(scores: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """α = softmax(scores) over the source (B, S) and the context Σ_j α_j h_j (B, H) of values (B, S, H)."""
    weights = torch.softmax(scores, dim=-1)
    return weights, torch.einsum("bs,bsh->bh", weights, values)


class AdditiveScore(nn.Module):
    """Bahdanau's alignment model: W_a (A, H), U_a (A, K), v_a (A,), with A = H and K the keys' width."""

    def __init__(self, hidden: int, key_width: int):
        super().__init__()
        self.W_a = nn.Linear(hidden, hidden, bias=False)
        self.U_a = nn.Linear(key_width, hidden, bias=False)
        self.v_a = nn.Parameter(torch.empty(hidden).uniform_(-hidden ** -0.5, hidden ** -0.5))

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """Scores (B, S) of keys (B, S, H) for query (B, H)."""
        return additive_scores(query, keys, self.W_a.weight, self.U_a.weight, self.v_a)


class DotScore(nn.Module):
    """Luong's dot score: no parameters; the decoder and encoder states must be as wide."""

    def __init__(self, hidden: int, key_width: int):
        super().__init__()
        if key_width != hidden:
            raise ValueError(f"dot-product attention needs keys as wide as the decoder's state ({hidden}), "
                             f"not {key_width}: use a one-way encoder or additive attention")

    def forward(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """Scores (B, S) of keys (B, S, H) for query (B, H)."""
        return dot_scores(query, keys)


@dataclass(frozen=True)
class AttentionKind:
    """One way of reading the encoder: the table every part of ``Seq2Seq`` reads.

    name: its key. label: how pages show it. paper: where it comes from. score: the scoring module
    (None: no attention, the last encoder state only). query: which decoder state asks, "previous"
    s_{i−1} (the context then enters the step) or "current" s_i (the context shapes the output).
    """

    name: str
    label: str
    paper: str
    score: type[nn.Module] | None
    query: str = ""

    @property
    def attends(self) -> bool:
        """True when the decoder reads every encoder state through attention weights."""
        return self.score is not None


ATTENTIONS: dict[str, AttentionKind] = {kind.name: kind for kind in (
    AttentionKind("none", "no attention (last encoder state only)", "Sutskever et al. 2014; Cho et al. 2014", None),
    AttentionKind("additive", "additive attention", "Bahdanau et al. 2015", AdditiveScore, query="previous"),
    AttentionKind("dot", "dot-product attention", "Luong et al. 2015", DotScore, query="current"),
)}


def attention_kind(name: str) -> AttentionKind:
    """The row of ``name``; ValueError naming the known kinds otherwise."""
    kind = ATTENTIONS.get(name)
    if kind is None:
        raise ValueError(f"unknown attention {name!r}: choose one of {', '.join(ATTENTIONS)}")
    return kind


def stacked(steps: list[torch.Tensor]) -> torch.Tensor | None:
    """Per-step tensors (B, …) stacked along a new dimension 1 (B, T_out, …); None for no steps (no attention)."""
    return torch.stack(steps, 1) if steps else None


@dataclass
class Seq2SeqOutput:
    """What one pass of the encoder–decoder computed.

    logits: (B, T_out, O). attention: (B, T_out, S) weights α, each row summing to 1 (None without
    attention). contexts: (B, T_out, K) the c_i (None without attention). encoder_states: (B, S, K), K = H or 2H.
    decoder_states: list over i of (B, H) s_i (graph nodes). fed: (B, T_out) the tokens the decoder
    read (GO first), teacher's or its own. decoder_cells: list over i of (B, H) the LSTM's cell state
    (empty without one). decoder_gates: gate name -> list over i of (B, H) the decoder step's gates.
    """

    logits: torch.Tensor
    attention: torch.Tensor | None
    contexts: torch.Tensor | None
    encoder_states: torch.Tensor
    decoder_states: list[torch.Tensor]
    fed: torch.Tensor
    decoder_cells: list[torch.Tensor] = field(default_factory=list)
    decoder_gates: dict[str, list[torch.Tensor]] = field(default_factory=dict)


class Seq2Seq(OfArchitecture, InputFront, nn.Module):
    """Encoder RNN -> decoder RNN that feeds back its output, attending over the encoder (see the module).

    Args: arch (a classic cell of the architecture table), input_size (features per source step;
    ignored when vocab_size > 0, which embeds source token ids), hidden H (encoder and decoder),
    output_size O (output symbols; the decoder's GO token is id O), attention (a key of
    ``ATTENTIONS``), activation (the vanilla cell's non-linearity), bidirectional_encoder (read the
    source both ways, as Bahdanau et al.: keys [→h_j ; ←h_j] of width 2H).
    ``train()`` mode decodes with teacher forcing, ``eval()`` mode free-running.
    """

    def __init__(self, arch: str, input_size: int, hidden: int, output_size: int, vocab_size: int = 0,
                 attention: str = "additive", activation: str = "tanh", bidirectional_encoder: bool = False):
        super().__init__()
        self.arch, self.hidden, self.output_size, self.activation = arch, hidden, output_size, activation
        self.kind = attention_kind(attention)
        row = fused_row(arch)
        self.encoder = row.fused(self.build_front(input_size, vocab_size), hidden, 1,
                                 batch_first=True, bidirectional=bidirectional_encoder, **row.fused_options(activation))
        keys = 2 * hidden if bidirectional_encoder else hidden                              # K, the keys' width
        self.feedback = nn.Embedding(output_size + 1, embedding_width(output_size + 1))   # + GO
        context_in = keys if self.kind.query == "previous" else 0
        self.decoder = row.cell(self.feedback.embedding_dim + context_in, hidden)
        self.score = self.kind.score(hidden, keys) if self.kind.attends else None
        self.combine = nn.Linear(keys + hidden, hidden, bias=False) if self.kind.query == "current" else None   # W_c
        self.head = nn.Linear(hidden + keys if self.kind.query == "previous" else hidden, output_size)

    @property
    def go(self) -> int:
        """The token id the decoder reads first."""
        return self.output_size

    def encode_source(self, x: torch.Tensor):
        """Source (B, S) ids or (B, S, I) floats -> (states (B, S, K), the decoder's first state as its step takes it).

        The first state is the encoder's final one, →h_S (torch's h_n lists a bidirectional
        encoder's forward direction first).
        """
        states, final = self.encoder(self.encode(x))
        row = self.architecture
        return states, (tuple(part[0] for part in final) if row.has_cell_state else final[0])

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None, steps: int | None = None,
                encoded: tuple | None = None) -> Seq2SeqOutput:
        """Encode ``x``, then decode ``steps`` outputs (``targets.shape[1]`` when given, else S).

        In ``train()`` mode with ``targets`` (B, T_out), the decoder reads the true previous token
        (teacher forcing); otherwise it reads the argmax of its own previous output (free-running).
        ``encoded`` (keys, first state), as ``encode_source`` returns them, skips the encoder: a replay
        that stepped the encoder's cells itself hands its states in, so gradients reach them.
        """
        row = self.architecture
        options = row.step_options(self.activation)
        keys, state = encoded if encoded is not None else self.encode_source(x)
        B = keys.shape[0]
        steps = targets.shape[1] if targets is not None else (steps or keys.shape[1])
        teacher = targets is not None and self.training
        token = torch.full((B,), self.go, dtype=torch.long, device=keys.device)
        logits, weights, contexts, states, fed, cells, gates = [], [], [], [], [], [], {}
        for i in range(steps):
            fed.append(token)
            y_in = self.feedback(token)                                          # (B, E)
            if self.kind.query == "previous":                                    # Bahdanau: s_{i−1} asks
                alpha, c = attend(self.score(row.hidden_of(state), keys), keys)
                state, g = row.step(torch.cat([y_in, c], 1), state, *self.decoder.weights(), **options)
                s = row.hidden_of(state)
                o = self.head(torch.cat([s, c], 1))
            else:
                state, g = row.step(y_in, state, *self.decoder.weights(), **options)
                s = row.hidden_of(state)
                if self.kind.attends:                                            # Luong: s_i asks
                    alpha, c = attend(self.score(s, keys), keys)
                    o = self.head(torch.tanh(self.combine(torch.cat([c, s], 1))))
                else:
                    o = self.head(s)
            if self.kind.attends:
                weights.append(alpha)
                contexts.append(c)
            states.append(s)
            if row.has_cell_state:
                cells.append(state[1])
            for name in row.gates:
                gates.setdefault(name, []).append(g[name])
            logits.append(o)
            token = targets[:, i] if teacher else o.argmax(-1)
        return Seq2SeqOutput(torch.stack(logits, 1), stacked(weights), stacked(contexts), keys, states,
                             torch.stack(fed, 1), cells, gates)
