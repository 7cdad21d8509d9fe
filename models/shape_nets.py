"""The networks of the shapes beyond a one-way stack, as the trainer, the probe and the views take them.

Each gives what a one-way ``SequenceNet`` gives: ``forward(x)`` -> (out (B, T, O), state) on the
task's own timeline, and ``replay(x)`` -> a ``Replay`` whose layer axis the views read.

- ``BidirectionalSequenceNet``: ``models.bidirectional.BidirectionalNet`` (trained by torch's fused
  ``bidirectional=True`` kernel); its replay lays the two directions out as two rows of the layer
  axis, layer by layer (layer 1 →, layer 1 ←, layer 2 →, …), so every view of a ``Replay`` shows both.
- ``EncoderDecoderNet``: ``models.seq2seq.Seq2Seq`` on a task whose batch holds a source and a target
  in one timeline (source, GO, the outputs' steps: ``source_steps`` and ``first_output``). Training
  feeds it the targets (teacher forcing); evaluation and the replay run free. Its replay is one row:
  the encoder's states over the source, the state handed over at GO, then the decoder's states, and
  the attention weights (output step × input step).
- ``SelfAttentionSequenceNet``: ``models.attention_baseline.AttentionNet`` (one causal self-attention
  layer, no recurrent cell: the ``arch`` setting does not apply). Its replay is one row: the layer's
  output u_t at each position (what the head reads), no gates, the gradient measured at the layer's
  inputs z_t (‖∂L/∂z_t‖, through every later position that reads z_t) and the causal attention map (T × T).
"""
from __future__ import annotations

import torch
from torch import nn

from models.architectures import OfArchitecture
from models.attention_baseline import AttentionNet
from models.bidirectional import DIRECTIONS, BidirectionalNet, run_direction
from models.network import Intervention, Replay
from models.seq2seq import Seq2Seq


def refuse_intervention(intervention: Intervention | None) -> None:
    """The replays here run the cells as trained: ValueError for an intervention that changes them."""
    if intervention is not None and not intervention.is_identity():
        raise ValueError("interventions (clamps, ablations, a scaled W_hh) need a one-way network")


def candidate_eigenvalues(row, W_hh: torch.Tensor, hidden: int) -> torch.Tensor:
    """The eigenvalues (complex) of the block of ``W_hh`` that feeds the candidate state."""
    k = row.blocks.index(row.candidate)
    return torch.linalg.eigvals(W_hh[k * hidden:(k + 1) * hidden].detach().double())


class BidirectionalSequenceNet(BidirectionalNet):
    """A bidirectional network whose replay is a one-way ``Replay`` with 2L rows (each layer's two directions)."""

    @property
    def gate_names(self) -> tuple[str, ...]:
        """The gates this architecture records (h shown apart)."""
        return self.architecture.gates

    def replay(self, x: torch.Tensor, intervention: Intervention | None = None,
               embedded: torch.Tensor | None = None, cut_every: int = 0) -> Replay:
        """Both directions stepped through the cells (``BidirectionalNet.replay``), as 2L rows."""
        refuse_intervention(intervention)
        return BidirectionalNet.replay(self, x, embedded=embedded).as_replay()

    def eigenvalues(self, row: int) -> torch.Tensor:
        """The eigenvalues of row ``row``'s recurrent matrix (row 2l + d: layer l, direction d)."""
        layer, direction = divmod(row, len(DIRECTIONS))
        return candidate_eigenvalues(self.architecture, self.layer_weights(layer, direction)[1], self.hidden)


class EncoderDecoderNet(OfArchitecture, nn.Module):
    """``Seq2Seq`` read and written on a task's timeline: source steps, then GO, then the output steps.

    Args: arch (a classic cell), vocab_size (the source's token ids), output_size, hidden, attention
    (a key of ``models.seq2seq.ATTENTIONS``), activation, source_steps S (the source is x[:, :S]),
    first_output (the timeline's first output step; the outputs fill it to the end).
    Attributes (state_dict keys): ``seq2seq.*``.
    """

    layers = 1

    def __init__(self, arch: str, vocab_size: int, output_size: int, hidden: int, attention: str,
                 activation: str, source_steps: int, first_output: int):
        super().__init__()
        self.arch, self.hidden, self.activation = arch, hidden, activation
        self.source_steps, self.first_output = source_steps, first_output
        self.seq2seq = Seq2Seq(arch, 1, hidden, output_size, vocab_size, attention=attention, activation=activation)

    @property
    def gate_names(self) -> tuple[str, ...]:
        """The gates this architecture records (h shown apart)."""
        return self.architecture.gates

    def _on_timeline(self, x: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
        """(B, T, O): zeros at the source's steps (never scored), the decoder's logits from ``first_output``."""
        B, T = x.shape[:2]
        before = logits.new_zeros(B, self.first_output, logits.shape[2])
        return torch.cat([before, logits[:, :T - self.first_output]], 1)

    def forward(self, x: torch.Tensor, state=None, targets: torch.Tensor | None = None):
        """x (B, T) -> (out (B, T, O), None). ``targets`` (the task's y on the same timeline) in
        ``train()`` mode decode with teacher forcing; without them the decoder runs free."""
        steps = x.shape[1] - self.first_output
        wanted = None if targets is None else targets[:, self.first_output:]
        result = self.seq2seq(x[:, :self.source_steps], wanted, steps)
        return self._on_timeline(x, result.logits), None

    def eigenvalues(self, row: int) -> torch.Tensor:
        """The eigenvalues of the encoder's recurrent matrix (the one row of the layer axis starts there)."""
        return candidate_eigenvalues(self.architecture, self.seq2seq.encoder.weight_hh_l0, self.hidden)

    def replay(self, x: torch.Tensor, intervention: Intervention | None = None,
               embedded: torch.Tensor | None = None, cut_every: int = 0) -> Replay:
        """The encoder stepped through its cells, then the decoder free-running, on one row of the layer axis.

        Timeline positions S..first_output−1 (GO) hold the state the encoder hands the decoder; their
        gates are zero (no step runs there). ``attention`` is (B, T_out, S), or None without attention.
        """
        refuse_intervention(intervention)
        row, s2s = self.architecture, self.seq2seq
        source = x[:, :self.source_steps]
        embedded = s2s.encode(source) if embedded is None else embedded
        weights = tuple(getattr(s2s.encoder, f"{name}_l0") for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))
        hs, cs, gates = run_direction(row, embedded, weights, reverse=False, options=row.step_options(self.activation))
        first = (hs[-1], cs[-1]) if row.has_cell_state else hs[-1]
        result = s2s(source, None, x.shape[1] - self.first_output, encoded=(torch.stack(hs, 1), first))
        handover = self.first_output - self.source_steps
        h = hs + [hs[-1]] * handover + result.decoder_states
        c = cs + [cs[-1]] * handover + result.decoder_cells if row.has_cell_state else []
        zero = torch.zeros_like(hs[-1])
        all_gates = {name: gates[name] + [zero] * handover + result.decoder_gates[name] for name in row.gates}
        return Replay(self._on_timeline(x, result.logits), embedded, [h], [c], [all_gates], [h], result.attention)


class SelfAttentionSequenceNet(OfArchitecture, AttentionNet):
    """``AttentionNet`` as the trainer and the probe take a network: one row on the layer axis, no gates.

    Args: arch (run data only: no cell is built), input_size, width d (the ``hidden`` setting),
    output_size, max_len (the task's T: the sinusoidal positions are sized from it), vocab_size.
    ``forward(x, state)`` ignores ``state`` and returns an empty one (B, 0): nothing carries from one
    window to the next, so a streaming task's carried state stays empty.
    """

    layers = 1
    gate_names: tuple[str, ...] = ()

    def __init__(self, arch: str, input_size: int, width: int, output_size: int, max_len: int, vocab_size: int = 0):
        super().__init__(input_size, width, output_size, max_len, vocab_size=vocab_size)
        self.arch, self.hidden = arch, width

    def forward(self, x: torch.Tensor, state=None):
        """x (B, T) ids or (B, T, I) floats -> (out (B, T, O), an empty state (B, 0))."""
        out, _ = AttentionNet.forward(self, x)
        return out, out.new_zeros(x.shape[0], 0)

    def eigenvalues(self, row: int) -> None:
        """None: no recurrence, so no eigenvalues (and no spectral radius)."""
        return None

    def replay(self, x: torch.Tensor, intervention: Intervention | None = None,
               embedded: torch.Tensor | None = None, cut_every: int = 0) -> Replay:
        """One pass with the positions split out: h = u_t (the layer's output, residual included),
        recurrent = z_t (each position's input, which every later position reads), attention (B, T, T)
        averaged over the heads. ``cut_every`` changes nothing: no state crosses a step."""
        refuse_intervention(intervention)
        T = x.shape[1]
        if T > self.max_len:
            raise ValueError(f"a sequence of {T} steps is longer than this network's {self.max_len} positions")
        embedded = self.embed(x) if embedded is None else embedded
        inputs = list((embedded + self.position[:T].to(dtype=self.head.weight.dtype)).unbind(1))   # z_t (B, d)
        z = torch.stack(inputs, 1)
        attended, A = self.attention(z)
        states = list((z + attended).unbind(1))                                           # u_t (B, d)
        out = self.head(torch.stack(states, 1))
        return Replay(out, embedded, [states], [], [{}], [inputs], A.mean(1))
