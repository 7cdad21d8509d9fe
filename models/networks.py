"""The table of network shapes: how the recurrent cells are wired into a network, one row each.

The architecture table (``models.architectures``) says what one cell is; this table says how cells
make a network: one stack read forwards in time, a stack read both ways, or an encoder and a decoder
with or without attention. Every reader takes its facts from the row: the ``network`` setting's
choices, ``models.network.build_network``, which tasks and cells a shape takes (``refuse``), how a
training step feeds it (``teacher_forced``), whether the probe's hand-written backward applies, and
what its replay gives the views (``view_rows``: the labels of the layer axis).

A task says what it allows, in two class attributes the rows read: ``future_in_targets`` (a target
is a later input: forecasting, language models, generation; a network that reads ahead would read
the answer) and ``source_target`` (its batch holds a source and a target sequence on one timeline,
with ``source_steps`` and ``first_output``: reverse, sort).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from torch import nn

from models.architectures import ARCHITECTURES, architecture
from models.network import one_way
from models.shape_nets import BidirectionalSequenceNet, EncoderDecoderNet, SelfAttentionSequenceNet


def bidirectional(arch: str, task, hidden: int, layers: int, activation: str) -> nn.Module:
    """A bidirectional network sized for ``task``."""
    return BidirectionalSequenceNet(arch, task.input_size, hidden, layers, task.output_size, task.vocab_size,
                                    activation)


def self_attention(arch: str, task, hidden: int, layers: int, activation: str) -> nn.Module:
    """One causal self-attention layer of width ``hidden`` sized for ``task`` (positions for its T steps);
    ``arch``, ``layers`` and ``activation`` name no part of it."""
    return SelfAttentionSequenceNet(arch, task.input_size, hidden, task.output_size, task.steps, task.vocab_size)


def encoder_decoder(attention: str) -> Callable[..., nn.Module]:
    """The builder of an encoder–decoder with ``attention`` (a key of ``models.seq2seq.ATTENTIONS``)."""
    def build(arch: str, task, hidden: int, layers: int, activation: str) -> nn.Module:
        return EncoderDecoderNet(arch, task.vocab_size, task.output_size, hidden, attention, activation,
                                 task.source_steps, task.first_output)
    return build


@dataclass(frozen=True)
class NetworkShape:
    """One way of wiring cells into a network.

    name: its key in configs, links and files. label: how the sidebar shows it. build(arch, task,
    hidden, layers, activation) -> the network. needs / forbids: the task class attribute that must be
    true / false ("" = none), and refused: what the message says when a task fails that. fused_only: only cells with a
    fused torch kernel (the classic cells). fused_stack: the network's ``rnn`` is a fused stack (the
    init schemes apply). hand_backward: the probe's hand-written BPTT applies (else autograd on the
    replay). teacher_forced: a training step hands it the targets. cost_factor: a training step's time and
    memory against a one-way stack of the same size (measured: a second direction about 1.7×, a decoder
    stepped one output at a time with attention 2–4×), read by the admission estimate. jacobian_row: the
    row of the layer axis whose ‖∂h_T/∂h_t‖ the probe draws (the last, or the last forward direction:
    a backward direction's h_T has read nothing before it). unit_view: the one-unit view (and
    interventions) can replay it. roles: the label of each row of a layer (with ``{layer}``). views:
    what its replay gives the views, in words. attends: its replay gives attention weights
    (``Snapshot.attention``); attention_title heads their heatmap (short: it fits a presenter's column).
    takes_cell: the ``arch`` setting picks the network's cell; False: the network has none, and
    ``no_cell`` says so in one line where a view of a cell (gates, one unit, interventions, the cell
    page, spectral radius, eigenvalues, saturation) cannot apply. ignores: the settings this network
    does not read (a sweep over one of them would train the same run again). state_symbol, state_title,
    states_heading: what the states views call a row's state; gradient_symbol: where the gradient
    views measure ‖∂L/∂·‖ (``Replay.recurrent``).
    """

    name: str
    label: str
    build: Callable[..., nn.Module]
    views: str
    needs: str = ""
    forbids: str = ""
    refused: str = ""
    fused_only: bool = False
    fused_stack: bool = True
    hand_backward: bool = False
    teacher_forced: bool = False
    unit_view: bool = False
    cost_factor: float = 1.0
    jacobian_row: int = -1
    roles: tuple[str, ...] = ("layer {layer}",)
    one_layer: bool = False
    attends: bool = False
    attention_title: str = "Attention of probe sequence 0"
    takes_cell: bool = True
    no_cell: str = ""
    ignores: tuple[str, ...] = ()
    state_symbol: str = "h_t"
    state_title: str = "Hidden state h_t"
    states_heading: str = "Hidden states"
    gradient_symbol: str = "h_t"

    def view_rows(self, layers: int) -> list[str]:
        """The labels of the replay's layer axis, e.g. ["layer 1 →", "layer 1 ←"]."""
        return [role.format(layer=k + 1) for k in range(1 if self.one_layer else layers) for role in self.roles]

    @property
    def top_rows(self) -> int:
        """Rows of the layer axis that the output head reads together (both directions of the last layer)."""
        return len(self.roles)

    def problem(self, arch: str, task_class: type) -> str:
        """Why this shape cannot train ``arch`` on a task of ``task_class`` ("" when it can), in one line."""
        if (self.needs and not getattr(task_class, self.needs, False)) or (
                self.forbids and getattr(task_class, self.forbids, False)):
            return f"the network '{self.label}' {self.refused} (task {task_class.name!r})"
        if self.fused_only and architecture(arch).fused is None:
            cells = ", ".join(row.label for row in ARCHITECTURES.values() if row.fused is not None)
            return f"the network '{self.label}' takes the classic cells only ({cells}), not {architecture(arch).label}"
        return ""

    def refuse(self, arch: str, task_class: type) -> None:
        """ValueError with ``problem``'s line when this shape cannot train ``arch`` on ``task_class``."""
        reason = self.problem(arch, task_class)
        if reason:
            raise ValueError(reason)


def encoder_decoder_row(name: str, label: str, attention: str) -> NetworkShape:
    """The row of an encoder–decoder with ``attention`` (a key of ``models.seq2seq.ATTENTIONS``)."""
    return NetworkShape(
        name, label, encoder_decoder(attention), needs="source_target",
        refused="needs a task with a source and a target sequence (reverse, sort)", fused_only=True,
        fused_stack=False, teacher_forced=True, cost_factor=4.0, roles=("encoder → decoder",), one_layer=True,
        attends=attention != "none",
        views="one row: the encoder's states over the source, the state handed over at GO, then the decoder's"
              + ("; the attention weights (output step × input step)" if attention != "none" else ""))


NETWORKS: dict[str, NetworkShape] = {row.name: row for row in (
    NetworkShape("one-way", "one-way", one_way, hand_backward=True, unit_view=True,
                 views="one row per layer: its states, gates and ‖∂L/∂h_t‖ in time order"),
    NetworkShape("bidirectional", "bidirectional", bidirectional, fused_only=True, cost_factor=2.0, jacobian_row=-2,
                 roles=("layer {layer} →", "layer {layer} ←"), forbids="future_in_targets",
                 refused="would read the answer: this task's targets are later inputs",
                 views="two rows per layer, forward (→) then backward (←), each in time order"),
    # Causal: position t reads positions ≤ t only, so a task whose targets are later inputs (forecasting)
    # stays fair and nothing is forbidden; the sinusoidal positions are built for the task's own T.
    # cost_factor 1: a training step measured 0.4× (T = 50), 1.3× (T = 200), 1.1× (T = 400) a one-way GRU's (H = 64).
    NetworkShape("self-attention", "causal self-attention", self_attention, fused_stack=False, one_layer=True,
                 roles=("attention",), attends=True, attention_title="Causal attention, sequence 0", takes_cell=False,
                 no_cell="causal self-attention has no recurrent cell: the cell, layers and activation settings "
                         "do not apply, and it has no gates, units to step, recurrence or eigenvalues",
                 ignores=("arch", "layers", "activation", "init", "radius", "gate_bias"),
                 state_symbol="u_t", state_title="Output u_t", gradient_symbol="z_t",
                 states_heading="States: the attention layer's output",
                 views="one row: the attention layer's output u_t at each position, ‖∂L/∂z_t‖ at its inputs "
                       "(through every later position that reads them), no gates; the causal attention map "
                       "(output step × input step, zero above the diagonal)"),
    encoder_decoder_row("seq2seq", "encoder–decoder", "none"),
    encoder_decoder_row("seq2seq-additive", "encoder–decoder with additive attention", "additive"),
    encoder_decoder_row("seq2seq-dot", "encoder–decoder with dot-product attention", "dot"),
)}
NETWORK_NAMES = tuple(NETWORKS)
DEFAULT_NETWORK = NETWORK_NAMES[0]       # what a new run builds
NETWORK_LABELS = {name: row.label for name, row in NETWORKS.items()}


def network_shape(name: str | None) -> NetworkShape:
    """The row of ``name`` (None: the default); ValueError naming the known shapes otherwise."""
    row = NETWORKS.get(DEFAULT_NETWORK if name is None else name)
    if row is None:
        raise ValueError(f"unknown network {name!r}: choose one of {', '.join(NETWORKS)}")
    return row


def network_of(net: nn.Module) -> NetworkShape:
    """The row a built network belongs to (``network`` attribute set by ``build_network``; one-way by default)."""
    return network_shape(getattr(net, "network", None))


def training_forward(net: nn.Module, batch):
    """The network's output (B, T, O) on a training ``batch``: with the targets for a teacher-forced shape."""
    if network_of(net).teacher_forced:
        return net(batch.x, targets=batch.y)
    return net(batch.x)
