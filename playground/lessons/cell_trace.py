"""One tiny recurrent cell, unrolled over a short sequence, with every number recorded.

The "Inside the cell" page shows these numbers. The network is

    x_t (I) ──cell──> h_t (H) ──readout──> y_t = W_hy h_t + b_y   (a scalar)

with hidden size H = 1–4, input size I = 1–2 and at most ``MAX_STEPS`` timesteps,
all in float64. The cell is stepped by the app's own functional steps (the ``step``
of its row in ``models.architectures``), so the gates shown are the ones the trained
models compute. The loss is the mean squared error of the readout,

    L = (1 / |S|) Σ_{t ∈ S} (y_t − d_t)²,

over the scored steps S (every step, or only the last one: many-to-many or
many-to-one). The default target d_t is the running sum x_1 + … + x_t of the first
input feature (a small "remember and add" task); the user may type their own.

Worked example (the vanilla RNN, H=1, I=1): x = (0.5, −1), h_0 = 0,
h_1 = tanh(W_ih·0.5 + b_ih + W_hh·0 + b_hh), h_2 = tanh(W_ih·(−1) + b_ih + W_hh h_1 + b_hh).

Weights come from a seeded ``torch.Generator`` in this order, each U(−1/√H, 1/√H)
as PyTorch initialises its cells: W_ih, W_hh, b_ih, b_hh, W_hy, b_y.
The backward pass by hand lives in ``playground.lessons.cell_backward``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np
import torch

from models.architectures import DEFAULT_ARCH, MATRIX_ARCHS, STEP_ACTIVATIONS, architecture
from playground.errors import ConfigError, DataError
from playground.lessons.scan_step import ScanSpec
from playground.markup import literal

ACTIVATIONS = STEP_ACTIVATIONS      # "linear" too: the identity, where the theory of vanishing gradients is exact
MAX_STEPS = 12
MAX_HIDDEN = 4
MAX_INPUT = 2
MAX_ABS_INPUT = 1e3

PRESETS = {
    "1-D: 0.5, -1, 2": "0.5, -1, 2",
    "1-D: a pulse then silence": "1, 0, 0, 0, 0, 0",
    "1-D: alternating": "1, -1, 1, -1, 1, -1",
    "1-D: ramp": "0, 0.25, 0.5, 0.75, 1",
    "2-D: 1, 0; 0, 1; 1, 1": "1, 0; 0, 1; 1, 1",
}


@dataclass(frozen=True)
class CellSpec:
    """The tiny network: which cell, its sizes and the seed of its weights."""

    arch: str = DEFAULT_ARCH    # a name of models.architectures.MATRIX_ARCHS (the cells written with W_hh)
    hidden: int = 3             # H, 1..MAX_HIDDEN
    input_size: int = 1         # I, 1..MAX_INPUT
    activation: str = "tanh"    # vanilla RNN only: tanh | relu | linear
    seed: int = 0               # seeds every weight

    def __post_init__(self):
        if self.arch not in MATRIX_ARCHS:
            raise ConfigError(f"arch must be one of {', '.join(MATRIX_ARCHS)}, the cells with a recurrent matrix "
                              f"(got '{self.arch}')")
        if self.activation not in ACTIVATIONS:
            raise ConfigError(f"activation must be one of {', '.join(ACTIVATIONS)} (got '{self.activation}')")
        for name, high in (("hidden", MAX_HIDDEN), ("input_size", MAX_INPUT)):
            value = getattr(self, name)
            if not isinstance(value, int) or not 1 <= value <= high:
                raise ConfigError(f"{name} must be a whole number from 1 to {high} (got {value!r})")
        if not isinstance(self.seed, int) or not 0 <= self.seed < 2**31:
            raise ConfigError(f"seed must be a whole number from 0 to {2**31 - 1} (got {self.seed!r})")


def tiny_spec(arch: str, hidden: int, mode: str = "forward") -> CellSpec | ScanSpec:
    """The tiny network of any row: a ``CellSpec`` for a cell with W_hh, a ``ScanSpec`` (forward only) otherwise;
    ConfigError with a one-line reason for sizes out of range or a scan cell asked for its backward."""
    if architecture(arch).has_recurrent_matrix:
        return CellSpec(arch, hidden)
    if mode != "forward":
        raise ConfigError(f"the {architecture(arch).label} shows its step forward only (the backward by hand "
                          "is written for the cells with W_hh)")
    return ScanSpec(arch, hidden)


@dataclass
class CellTrace:
    """The forward pass, step by step (all float64 numpy arrays).

    x: (T, I) inputs. d: (T,) targets. scored: (T,) 1.0 where the loss looks at y_t.
    weights: W_ih (G·H, I), W_hh (G·H, H), b_ih, b_hh (G·H,), W_hy (1, H), b_y (1,),
    in PyTorch's stacked layout (G = 1, 3 or 4 blocks). steps[t]: name -> vector, the
    quantities of the cell equations at step t+1 (see ``forward_trace``). y: (T,).
    """

    spec: CellSpec
    x: np.ndarray
    d: np.ndarray
    scored: np.ndarray
    weights: dict[str, np.ndarray]
    steps: list[dict[str, np.ndarray]] = field(default_factory=list)
    y: np.ndarray | None = None
    loss: float = 0.0

    @property
    def T(self) -> int:
        """Number of timesteps."""
        return len(self.steps)

    def block(self, name: str, gate: str) -> np.ndarray:
        """One gate's block of a stacked weight or bias, e.g. block("W_hh", "f") -> W_hf (H, H)."""
        H, k = self.spec.hidden, architecture(self.spec.arch).blocks.index(gate)
        return self.weights[name][k * H:(k + 1) * H]

    def to_lists(self) -> list[dict[str, list[float]]]:
        """The steps as plain float lists (JSON-friendly)."""
        return [{k: v.tolist() for k, v in step.items()} for step in self.steps]


_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")   # ASCII digits only (\d is Unicode)


def _parse_number(token: str, what: str) -> float:
    if not _NUMBER.fullmatch(token):
        raise DataError(f"{what}: {literal(token)} is not a number")
    value = float(token)
    if not math.isfinite(value) or abs(value) > MAX_ABS_INPUT:
        raise DataError(f"{what}: {token} is out of range (use finite values within ±{MAX_ABS_INPUT:g})")
    return value


def parse_sequence(text: str, input_size: int = 1, what: str = "input sequence") -> np.ndarray:
    """Parse "0.5, -1, 2" (I = 1) or "1, 0; 0, 1" (I = 2, ';' or new lines between steps) -> (T, I).

    Raises DataError with a one-line reason for junk, an empty sequence, more than
    MAX_STEPS steps, a wrong number of features or non-finite values.
    """
    text = (text or "").strip().strip("[]()")
    if not text:
        raise DataError(f"{what} is empty: type numbers such as 0.5, -1, 2")
    if ";" in text or "\n" in text:
        rows = [r.strip().strip("[]()") for r in re.split(r"[;\n]", text) if r.strip()]
    elif input_size == 1:
        rows = [t for t in re.split(r"[,\s]+", text) if t]
    else:
        raise DataError(f"{what}: with {input_size} input features separate timesteps with ';', e.g. 1, 0; 0, 1")
    if len(rows) > MAX_STEPS:
        raise DataError(f"{what} has {len(rows)} steps; at most {MAX_STEPS} fit on the page")
    values = []
    for k, row in enumerate(rows, 1):
        tokens = [t for t in re.split(r"[,\s]+", row) if t]
        if len(tokens) != input_size:
            raise DataError(f"{what}: step {k} has {len(tokens)} number(s), expected {input_size}")
        values.append([_parse_number(t, what) for t in tokens])
    return np.asarray(values, dtype=np.float64)


def default_targets(x: np.ndarray) -> np.ndarray:
    """The running sum of the first input feature: d_t = x_1 + … + x_t."""
    return np.cumsum(x[:, 0])


def parse_targets(text: str, steps: int) -> np.ndarray:
    """Targets typed by the user, one per input step (-> (T,)); DataError if the counts differ."""
    d = parse_sequence(text, 1, what="target sequence")[:, 0]
    if len(d) != steps:
        raise DataError(f"target sequence has {len(d)} steps but the input has {steps}")
    return d


def make_weights(spec: CellSpec) -> dict[str, torch.Tensor]:
    """Seeded float64 weights in PyTorch's layout, drawn in a fixed order (see the module docstring)."""
    gen = torch.Generator().manual_seed(spec.seed)
    H, I, G = spec.hidden, spec.input_size, architecture(spec.arch).gate_blocks * spec.hidden
    bound = 1.0 / math.sqrt(H)
    shapes = {"W_ih": (G, I), "W_hh": (G, H), "b_ih": (G,), "b_hh": (G,), "W_hy": (1, H), "b_y": (1,)}
    return {name: (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * bound
            for name, shape in shapes.items()}


def cell_step(spec: CellSpec, x_t, state, W):
    """One step through the app's functional cell: (x_t (1, I), state) -> (state, h_t, gates)."""
    row = architecture(spec.arch)
    state, gates = row.step(x_t, state, W["W_ih"], W["W_hh"], W["b_ih"], W["b_hh"], **row.step_options(spec.activation))
    return state, row.hidden_of(state), gates


def zero_state(spec: CellSpec, like: torch.Tensor):
    """h_0 = 0 (and c_0 = 0 for the LSTM), shape (1, H)."""
    return architecture(spec.arch).zero_state(like.new_zeros(1, spec.hidden))


def loss_weights(T: int, last_only: bool) -> np.ndarray:
    """The mask m_t: 1.0 on the scored steps S (all, or only the last one), else 0.0."""
    scored = np.zeros(T) if last_only else np.ones(T)
    scored[-1] = 1.0
    return scored


def forward_trace(spec: CellSpec, x: np.ndarray, d: np.ndarray | None = None, last_only: bool = False) -> CellTrace:
    """Run the cell over ``x`` (T, I) and record every quantity of its equations.

    steps[t] holds: "x", "h_prev" (and "c_prev" with a cell state); the pre-activations
    ("a" for the RNN; "a_r", "a_z", "i_n" = W_in x + b_in, "h_n" = W_hn h_{t-1} + b_hn,
    "a_n" for the GRU; "a_i", "a_f", "a_g", "a_o" for the LSTM); the gates as the step
    function returned them (the row's ``gates``); "tanh_c" (LSTM); "h"; and "y" (readout).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != spec.input_size or not 1 <= len(x) <= MAX_STEPS:
        raise DataError(f"input must be 1 to {MAX_STEPS} steps of {spec.input_size} number(s)")
    d = default_targets(x) if d is None else np.asarray(d, dtype=np.float64)
    W = make_weights(spec)
    trace = CellTrace(spec, x, d, loss_weights(len(x), last_only), {k: v.numpy().copy() for k, v in W.items()})
    H, row = spec.hidden, architecture(spec.arch)
    xs = torch.from_numpy(x)
    state = zero_state(spec, xs)
    ys = []
    with torch.no_grad():
        for t in range(len(x)):
            x_t = xs[t:t + 1]                                            # (1, I)
            h_prev = row.hidden_of(state)
            gi = x_t @ W["W_ih"].T + W["b_ih"]                           # (1, G·H)
            gh = h_prev @ W["W_hh"].T + W["b_hh"]                        # (1, G·H)
            rec = {"x": x_t[0], "h_prev": h_prev[0]}
            if row.has_cell_state:
                rec["c_prev"] = state[1][0]
            for k, gate in enumerate(row.blocks):
                i_k, h_k = gi[0, k * H:(k + 1) * H], gh[0, k * H:(k + 1) * H]
                if gate == row.candidate and row.reset_gate:             # the reset gate multiplies h_k
                    rec[f"i_{gate}"], rec[f"h_{gate}"] = i_k, h_k
                else:
                    rec[gate if gate == "a" else f"a_{gate}"] = i_k + h_k
            state, h, gates = cell_step(spec, x_t, state, W)
            for name in row.gates:
                if name != "pre":
                    rec[name] = gates[name][0]
            if row.reset_gate:
                cand = row.candidate
                rec[f"a_{cand}"] = rec[f"i_{cand}"] + rec[row.reset_gate] * rec[f"h_{cand}"]
            if row.has_cell_state:
                rec["tanh_c"] = torch.tanh(gates["c"][0])
            rec["h"] = h[0]
            rec["y"] = (h @ W["W_hy"].T + W["b_y"])[0]                   # (1,)
            ys.append(float(rec["y"][0]))
            trace.steps.append({k: v.numpy().copy() for k, v in rec.items()})
    trace.y = np.asarray(ys)
    m = trace.scored
    trace.loss = float(np.sum(m * (trace.y - d) ** 2) / m.sum())
    return trace
