"""The architecture table: everything the app knows about each recurrent cell, in one row.

Every other module reads this table instead of branching on an architecture's name: the
network (which fused kernel trains it, which step function replays it, whether it carries a
cell state), the probe and the hand-written backward, the admission estimate, the figures
(display name and colour) and the teaching pages (which gates are sigmoids, which an
intervention may clamp, which block feeds the candidate state). A new cell is one row here
plus its cell file (``models/<name>_cell.py``, whose class states its gate blocks and the
gates its step returns).

Two kinds of row: a *classic* cell (RNN, GRU, LSTM) trains with a fused ``torch.nn`` kernel
(``fused``) and has a hand-written backward (``backward``); a *scan* cell (minGRU, minLSTM,
LRU) has ``fused = None``: its class (a ``models.scan_cell.ScanCell``) trains the whole
sequence at once by a parallel scan, and autograd gives its gradients (``backward = None``).
Both replay through ``step`` one timestep at a time, which is what every view reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from models.bptt_steps import GRUBackward, LayerBackward, LSTMBackward, RNNBackward
from models.cell_base import RecurrentCell, input_projection
from models.gru_cell import GRUCell, gru_step
from models.lru_cell import LRUCell
from models.lstm_cell import LSTMCell, lstm_step
from models.mingru_cell import MinGRUCell
from models.minlstm_cell import MinLSTMCell
from models.rnn_cell import RNNCell, rnn_step
from models.s6_cell import S6Cell
from models.scan_cell import ScanCell, ScanStack

ACTIVATIONS = ("tanh", "relu")                    # the non-linearities the fused vanilla kernel offers
STEP_ACTIVATIONS = ACTIVATIONS + ("linear",)      # the cells' step also takes the identity (replay only)


@dataclass(frozen=True)
class Gate:
    """What the pages call one of a cell's gates (or states): its word, its symbol and what clamping it means.

    ``name`` is the key the cell's step returns it under; ``symbol`` the letter the equations use
    (default: the name); ``clamp`` what clamping it to 0 or 1 does (empty: an intervention may not).
    """

    name: str
    word: str
    clamp: str = ""
    symbol: str = ""

    @property
    def title(self) -> str:
        """The word with the symbol at time t, e.g. "forget gate f_t" (chart titles, captions)."""
        return f"{self.word} {self.symbol or self.name}_t"

    @property
    def clamp_meaning(self) -> str:
        """The title with what clamping it means, e.g. "forget gate f_t (1: keep c_{t−1} whole; 0: forget it)"."""
        return f"{self.title} ({self.clamp})"


HIDDEN = Gate("h", "hidden state")      # every cell's output, shown beside its gates


@dataclass(frozen=True)
class Architecture:
    """One recurrent architecture.

    name: its key in configs, links and files. label, colour: how pages and figures show it.
    cell: the from-scratch cell class (its ``blocks`` and ``gate_names`` are the gate layout).
    step: the cell's functional step, ``step(x_t, state, *weights, clamp=, x_proj=)`` -> (state,
    gates), the weights as ``layer_weights`` gives them (W_ih, W_hh, b_ih, b_hh for a classic
    cell); ``activation=`` too when ``activations`` is not empty.
    fused: the ``torch.nn`` module that trains the same weights; None for a scan cell, whose
    class trains itself (``scan``). backward: the layer step of the hand-written BPTT
    (``models.bptt``); None: the probe asks autograd.
    sigmoid_gates: the gates with values in (0, 1). clampable: the gates an intervention may
    clamp, in the order the pages list them. candidate: the block that feeds the candidate
    state (its W_hh block is the "recurrent matrix" whose spectral radius is shown); None
    without a recurrent matrix.
    memory_gate: the gate that keeps the memory when near 1 (None without one).
    reset_gate: the gate that multiplies the candidate's recurrent term (None without one);
    with one, b_hh cannot be folded into the input projection.
    has_cell_state: the state is (h, c) rather than h. activations: the non-linearities one
    may choose (empty: the cell's are fixed).
    words: a ``Gate`` for every gate and state the cell's step returns (and the probe's saturation
    reads), with its word, symbol and clamp meaning: what figures, equations and pages call it.
    classic: one of the three cells the lessons compare (the default sweep's architectures).
    """

    name: str
    label: str
    colour: str
    cell: type[RecurrentCell] | type[ScanCell]
    step: Callable
    fused: type[nn.RNNBase] | None
    backward: Callable[..., LayerBackward] | None
    sigmoid_gates: tuple[str, ...]
    clampable: tuple[str, ...]
    candidate: str | None
    memory_gate: str | None = None
    reset_gate: str | None = None
    has_cell_state: bool = False
    activations: tuple[str, ...] = ()
    words: tuple[Gate, ...] = ()
    classic: bool = True

    @property
    def blocks(self) -> tuple[str, ...]:
        """The gate blocks stacked in weight_ih (and weight_hh), in PyTorch's order."""
        return self.cell.blocks

    @property
    def has_recurrent_matrix(self) -> bool:
        """True for a classic cell: W_hh multiplies h_{t−1} (init schemes, the gradient lab, the cell pages)."""
        return self.fused is not None

    @property
    def has_spectral_radius(self) -> bool:
        """True when the recurrence has eigenvalues to show: W_hh's, or a scan cell's fixed diagonal."""
        return self.has_recurrent_matrix or self.cell.has_eigenvalues

    @property
    def diagonal_recurrence(self) -> bool:
        """True when the recurrence is a fixed diagonal matrix whose eigenvalues a view draws (the LRU)."""
        return self.fused is None and self.cell.has_eigenvalues

    @property
    def kernel(self) -> type[nn.Module]:
        """What trains a layer: the fused module, or the scan cell's class."""
        return self.fused or self.cell

    def build_layers(self, input_size: int, hidden: int, layers: int, activation: str) -> nn.Module:
        """The trainable stack of ``layers`` layers: ``forward(x (B, T, I), state)`` -> (h (B, T, H), state)."""
        if self.fused is None:
            return ScanStack(self.cell, input_size, hidden, layers)
        return self.fused(input_size, hidden, layers, batch_first=True, **self.fused_options(activation))

    def project(self, x: torch.Tensor, weights: tuple[torch.Tensor, ...]) -> torch.Tensor:
        """The input-only terms of every step of ``x`` (B, T, I), in one product: ``step``'s ``x_proj``."""
        if self.fused is None:
            return self.cell.project(x, *weights)
        W_ih, _, b_ih, b_hh = weights
        return input_projection(x, W_ih, b_ih, b_hh if self.bias_folded else None)

    @property
    def gate_blocks(self) -> int:
        """G: weight_ih and weight_hh have G·H rows."""
        return len(self.blocks)

    @property
    def gates(self) -> tuple[str, ...]:
        """The gates the replay records and the pages show (the hidden state h is shown apart)."""
        return tuple(name for name in self.cell.gate_names if name != "h")

    def gate(self, name: str) -> Gate:
        """The ``Gate`` of ``name`` (KeyError naming the architecture otherwise)."""
        for gate in self.words:
            if gate.name == name:
                return gate
        raise KeyError(f"{self.name} has no gate {name!r}")

    @property
    def gated(self) -> bool:
        """True for a cell with gates; False for the vanilla cell, whose one block is its pre-activation."""
        return bool(self.sigmoid_gates)

    @property
    def bias_folded(self) -> bool:
        """True when b_hh is added to the input projection W_ih x + b_ih (every cell without a reset gate)."""
        return self.reset_gate is None

    @property
    def takes_activation(self) -> bool:
        """True when the non-linearity is a setting."""
        return bool(self.activations)

    def step_options(self, activation: str) -> dict[str, str]:
        """The keyword arguments of ``step`` beyond the weights (the activation, where it is a setting)."""
        return {"activation": activation} if self.takes_activation else {}

    def fused_options(self, activation: str) -> dict[str, str]:
        """The keyword arguments of ``fused`` beyond the sizes."""
        return {"nonlinearity": activation} if self.takes_activation else {}

    def zero_state(self, zero: torch.Tensor):
        """The initial state made of ``zero`` (B, H): h_0 (and c_0, or a scan cell's own)."""
        if self.fused is None:
            return self.cell.zero_state(zero)
        return (zero, zero) if self.has_cell_state else zero

    @staticmethod
    def hidden_of(state) -> torch.Tensor:
        """h of a state (a pair's first part: the LSTM's (h, c), the LRU's (h, x))."""
        return state[0] if isinstance(state, tuple) else state

    def recurrent_of(self, state) -> torch.Tensor:
        """Where the gradient through time is measured: h for a classic cell (its ‖dL/dh_t‖), the part
        of a scan cell's state that the next step reads back (a pair's last part: the LRU's x)."""
        return state[-1] if isinstance(state, tuple) and self.fused is None else self.hidden_of(state)

    @staticmethod
    def masked_state(state, keep: torch.Tensor):
        """The state with h (and the rest of a pair) multiplied by the mask ``keep`` (H,) along the units
        (S6's state (B, H, N) by channel)."""
        def masked(s):
            return s * keep.view(-1, *[1] * (s.dim() - 2))
        return tuple(masked(s) for s in state) if isinstance(state, tuple) else masked(state)


ARCHITECTURES: dict[str, Architecture] = {row.name: row for row in (
    Architecture("rnn", "vanilla RNN", "#D55E00", RNNCell, rnn_step, nn.RNN, RNNBackward,   # Okabe–Ito vermillion
                 sigmoid_gates=(), clampable=(), candidate="a", activations=ACTIVATIONS,
                 words=(Gate("pre", "pre-activation", symbol="a"), HIDDEN,
                        Gate("tanh", "tanh output", symbol="h"))),           # the probe's saturation of h
    Architecture("gru", "GRU", "#009E73", GRUCell, gru_step, nn.GRU, GRUBackward,            # Okabe–Ito green
                 sigmoid_gates=("r", "z"), clampable=("z", "r"), candidate="n", memory_gate="z", reset_gate="r",
                 words=(Gate("r", "reset gate", "0: the candidate ignores h_{t−1}"),
                        Gate("z", "update gate", "1: keep h_{t−1}, ignore the input; 0: forget h_{t−1}"),
                        Gate("n", "candidate"), HIDDEN)),
    Architecture("lstm", "LSTM", "#0072B2", LSTMCell, lstm_step, nn.LSTM, LSTMBackward,      # Okabe–Ito blue
                 sigmoid_gates=("i", "f", "o"), clampable=("f", "i", "o"), candidate="g", memory_gate="f",
                 has_cell_state=True,
                 words=(Gate("i", "input gate", "0: nothing new is written"),
                        Gate("f", "forget gate", "1: keep c_{t−1} whole; 0: forget it"),
                        Gate("g", "cell candidate"), Gate("o", "output gate", "0: h_t = 0, the cell is hidden"),
                        Gate("c", "cell state"), HIDDEN)),
    Architecture("mingru", "minGRU", "#E69F00", MinGRUCell, MinGRUCell.step, None, None,       # Okabe–Ito orange
                 sigmoid_gates=("z",), clampable=("z",), candidate=None, classic=False,
                 words=(Gate("z", "update gate", "1: write the candidate n_t, forget h_{t−1}; 0: keep h_{t−1}"),
                        Gate("n", "candidate"), HIDDEN)),
    Architecture("minlstm", "minLSTM", "#56B4E9", MinLSTMCell, MinLSTMCell.step, None, None,   # Okabe–Ito sky blue
                 sigmoid_gates=("f", "i"), clampable=("f", "i"), candidate=None, memory_gate="f", classic=False,
                 words=(Gate("f", "forget gate", "0: forget h_{t−1}; 1: keep at least half of it (f′ = 1/(1 + i))"),
                        Gate("i", "input gate", "0: nothing new is written"), Gate("g", "cell candidate"), HIDDEN)),
    Architecture("lru", "LRU", "#CC79A7", LRUCell, LRUCell.step, None, None,                  # Okabe–Ito purple
                 sigmoid_gates=(), clampable=(), candidate=None, classic=False,
                 words=(Gate("m", "state modulus", symbol="m"), HIDDEN)),          # m_t = |x_t|
    Architecture("s6", "S6 (Mamba)", "#882255", S6Cell, S6Cell.step, None, None,           # Tol wine (yellow is too faint)
                 sigmoid_gates=(), clampable=(), candidate=None, classic=False,
                 words=(Gate("delta", "step size", symbol="Δ"), HIDDEN)),
)}
ARCH_NAMES = tuple(ARCHITECTURES)
DEFAULT_ARCH = "lstm"           # what a new run trains
VANILLA_ARCH = "rnn"            # the ungated cell, where the lessons on vanishing gradients start
MATRIX_ARCHS = tuple(name for name, row in ARCHITECTURES.items() if row.has_recurrent_matrix)   # W_hh pages
DIAGONAL_ARCHS = tuple(name for name, row in ARCHITECTURES.items() if row.diagonal_recurrence)  # eigenvalue view
SIGMOID_GATES = frozenset(gate for row in ARCHITECTURES.values() for gate in row.sigmoid_gates)


def _first_gates() -> dict[str, Gate]:
    """Each gate name's ``Gate`` in the first row that has it: one name, one word and symbol (a clamp
    meaning, which the pages read from the row, may differ: minGRU's z writes where the GRU's keeps)."""
    gates: dict[str, Gate] = {}
    for row in ARCHITECTURES.values():
        for gate in row.words:
            gates.setdefault(gate.name, gate)
    return gates


GATES = _first_gates()
CLASSIC_ARCHS = tuple(name for name, row in ARCHITECTURES.items() if row.classic)


def architecture(name: str) -> Architecture:
    """The row of ``name``; ValueError naming the known architectures otherwise."""
    row = ARCHITECTURES.get(name)
    if row is None:
        raise ValueError(f"unknown architecture {name!r}: choose one of {', '.join(ARCH_NAMES)}")
    return row


class OfArchitecture:
    """Mixin for anything that names its architecture in ``arch``: ``architecture`` is its table row."""

    arch: str

    @property
    def architecture(self) -> Architecture:
        """The row of the architecture table for ``self.arch``."""
        return architecture(self.arch)
