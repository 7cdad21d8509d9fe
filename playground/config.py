"""The run configuration: one frozen dataclass and one field table.

The field table (``FIELDS``) drives validation, the CLI flags and the URL query
string alike, as TensorFlow Playground's state table does: a setting is declared
once, with its type, default, limits and help, and every reader uses it.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from models.architectures import ACTIVATIONS, ARCH_NAMES, ARCHITECTURES, DEFAULT_ARCH, MATRIX_ARCHS
from models.init import INITS
from models.networks import DEFAULT_NETWORK, NETWORK_NAMES
from playground.errors import ConfigError
from playground.field_values import echoed, format_value, parse_field, without_value
from playground.markup import clipped, literal  # noqa: F401  (clipped is re-exported)
from playground.tasks import CUSTOM_TASK, TASKS, check_network  # noqa: F401  (CUSTOM_TASK is re-exported)

OPTIMIZERS = ("adam", "sgd")

# How a live setting reaches a running run (``Field.live``): read from the config, or also set in the optimizer.
READ_EACH_STEP = "read each step"
OPTIMIZER_GROUP = "optimizer param group"
LIVE_NOTE = "Takes effect at once, without a reset."    # ends the tooltip of every live setting

# Limits that keep one session from starving the others on a small server.
MAX_SEQ_LEN = 400
MAX_HIDDEN = 256
MAX_LAYERS = 3
MAX_BATCH = 256


@dataclass(frozen=True)
class ShownWhen:
    """A condition on another setting under which a sidebar setting is drawn.

    The setting shows while ``field`` holds one of ``values``; with ``or_when_absent`` it also
    shows when ``field`` is not on the sidebar (a page that trains every architecture).
    """

    field: str
    values: tuple[Any, ...]
    or_when_absent: bool = False

    def holds(self, values: Mapping[str, Any], drawn: set[str] | frozenset[str]) -> bool:
        """True when a setting with this condition is drawn, given the settings' ``values`` and
        the names ``drawn`` on this sidebar."""
        if self.or_when_absent and self.field not in drawn:
            return True
        return values.get(self.field) in self.values


@dataclass(frozen=True)
class Field:
    """One setting: its kind, limits and help line, and how a sidebar draws it.

    Kinds: 'int' and 'float' (between ``low`` and ``high``, or one of ``options``), 'choice'
    (one of ``choices``), 'bool', 'text' (free text of at most ``high`` characters) and 'str'
    (the task name). ``default`` and ``step`` serve the tables of the other pages' settings
    (``playground.page_state``); the run settings take their defaults from ``RunConfig``.

    ``playground.ui.widgets.field_widget`` draws each field from its row (the run settings' sidebar
    and the teaching pages alike): ``label``, ``widget`` (one of ``widgets.WIDGETS``), ``step`` and
    ``format`` of a number, ``tooltip`` (the widget's help), ``group`` ('main', or 'more' for
    the "More settings" box) and ``shown_when`` (a ``ShownWhen``, or None: always drawn).

    ``live`` says how a change reaches a running run without a reset: "" (it needs a fresh model),
    ``READ_EACH_STEP`` or ``OPTIMIZER_GROUP`` (``playground.live_settings`` reads this column).
    """

    name: str
    kind: str
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    default: Any = None
    step: float | None = None
    options: tuple[float, ...] | None = None
    label: str = ""
    widget: str = ""
    format: str | None = None
    tooltip: str | None = None
    group: str = "main"
    shown_when: ShownWhen | None = None
    live: str = ""

    @property
    def widget_options(self) -> list:
        """The values a choosing widget offers: the choices, the options, or every int from low to high."""
        if self.choices is not None:
            return list(self.choices)
        if self.options is not None:
            return list(self.options)
        return list(range(int(self.low), int(self.high) + 1))


def archs_with_activation() -> tuple[str, ...]:
    """The architectures whose cell takes a choice of non-linearity (the ``activation`` setting)."""
    return tuple(name for name, arch in ARCHITECTURES.items() if arch.takes_activation)


def tasks_that_stream() -> tuple[str, ...]:
    """The tasks that read their data as consecutive windows (the ``tbptt`` setting's tasks)."""
    return tuple(name for name, cls in TASKS.items() if cls.streams)


def tasks_with_lag() -> tuple[str, ...]:
    """The tasks whose class takes a ``lag`` (the ``lag`` setting's tasks)."""
    return tuple(name for name, cls in TASKS.items() if any(f.name == "lag" for f in fields(cls)))


def archs_with_memory_gate() -> tuple[str, ...]:
    """The architectures with a gate that keeps the memory near 1 (the ``gate_bias`` setting)."""
    return tuple(name for name, arch in ARCHITECTURES.items() if arch.memory_gate is not None)


def _said_live(field: Field) -> Field:
    """The row with ``LIVE_NOTE`` ending its tooltip when the setting is live (the column says so once)."""
    return replace(field, tooltip=" ".join(filter(None, (field.tooltip, LIVE_NOTE)))) if field.live else field


# In sidebar order: the main settings, then those under "More settings".
FIELDS: dict[str, Field] = {f.name: _said_live(f) for f in (
    Field("arch", "choice", "recurrent architecture", choices=ARCH_NAMES, label="Architecture", widget="segmented",
          tooltip="Vanilla (Elman) RNN, gated recurrent unit, long short-term memory; minGRU and minLSTM "
                  "(Feng et al. 2024), the linear recurrent unit (Orvieto et al. 2023) and Mamba's S6 (Gu and Dao "
                  "2023), trained by a parallel scan"),
    Field("network", "choice", "how the cells are wired: one-way, bidirectional, or an encoder–decoder "
          "(without attention, or with additive or dot-product attention)", choices=NETWORK_NAMES,
          label="Network", widget="select",
          tooltip="Bidirectional also reads the sequence backwards (Schuster and Paliwal 1997). An encoder–decoder "
                  "reads the source, then writes the target (reverse, sort) with additive (Bahdanau et al. 2015), "
                  "dot-product (Luong et al. 2015) or no attention."),
    Field("task", "str", "task name (see `python -m playground tasks`)", label="Task", widget="select"),
    Field("seq_len", "int", "sequence length T", 1, MAX_SEQ_LEN, label="Sequence length T", widget="slider",
          tooltip="Longer sequences need longer memory: the vanilla RNN fails first."),
    Field("lag", "int", "steps between an input and the output that needs it (back for copy, ahead for lookahead)",
          1, MAX_SEQ_LEN, label="Lag (steps)", widget="number", shown_when=ShownWhen("task", tasks_with_lag())),
    Field("tbptt", "int", "truncated BPTT: carry h across consecutive windows of the text and detach it every k "
          "steps (0 = off: every window starts from h_0 = 0)", 0, MAX_SEQ_LEN, label="Truncated BPTT every k steps",
          widget="number", shown_when=ShownWhen("task", tasks_that_stream()),
          tooltip="0 = off. With k > 0 the hidden state carries from one window to the next and the gradient "
                  "reaches back at most k steps."),
    Field("hidden", "int", "hidden units per layer", 1, MAX_HIDDEN, label="Hidden units H", widget="slider"),
    Field("layers", "int", "stacked recurrent layers", 1, MAX_LAYERS, label="Layers", widget="radio"),
    Field("activation", "choice", "vanilla RNN non-linearity", choices=ACTIVATIONS,
          label="Activation (vanilla RNN)", widget="radio",
          shown_when=ShownWhen("arch", archs_with_activation(), or_when_absent=True)),
    Field("lr", "float", "learning rate", 1e-6, 10.0, label="Learning rate", widget="number", step=0.001,
          format="%.4g", live=OPTIMIZER_GROUP),
    Field("clip", "float", "gradient clipping by global norm (0 = off)", 0.0, 1e6,
          label="Gradient clipping (max norm, 0 = off)", widget="number", step=0.5, format="%.3g",
          tooltip="Rescales the gradient when its global norm exceeds this.", live=READ_EACH_STEP),
    Field("batch", "int", "batch size", 1, MAX_BATCH, label="Batch size", widget="slider", group="more"),
    Field("optimizer", "choice", "optimiser", choices=OPTIMIZERS, label="Optimiser", widget="radio", group="more"),
    Field("init", "choice", "initialisation of the recurrent matrix", choices=INITS,
          label="Initialisation of W_hh", widget="select", group="more",
          shown_when=ShownWhen("arch", MATRIX_ARCHS, or_when_absent=True),
          tooltip="default: PyTorch's uniform; orthogonal: random orthogonal blocks (Saxe et al. 2014); "
                  "identity: W_hh = I (the vanilla RNN's biases 0; with ReLU that is IRNN, Le et al. 2015; "
                  "a GRU or LSTM gets I in its candidate block only); "
                  "spectral: random W_hh scaled to spectral radius ρ"),
    Field("radius", "float", "spectral radius for init=spectral", 0.01, 3.0, label="Spectral radius ρ",
          widget="slider", step=0.01, group="more", shown_when=ShownWhen("init", ("spectral",))),
    Field("gate_bias", "float", "added at init to the bias of the memory gate (LSTM and minLSTM f, GRU z)",
          -5.0, 5.0, label="Memory-gate bias at init (LSTM f, GRU z)", widget="number", step=0.5, format="%.3g",
          group="more", shown_when=ShownWhen("arch", archs_with_memory_gate(), or_when_absent=True),
          tooltip="Added to PyTorch's initial bias of the gate that keeps the memory: 1 starts the LSTM's "
                  "forget gate near σ(1) ≈ 0.73 (Gers et al. 2000; Jozefowicz et al. 2015). 0 = PyTorch's init."),
    Field("seed", "int", "random seed (same seed => same run)", 0, 2**31 - 1, label="Seed", widget="number",
          group="more", tooltip="Same seed and settings give the same run."),
)}


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run; same config and seed => same history."""

    arch: str = DEFAULT_ARCH    # a name of models.architectures.ARCHITECTURES
    network: str = DEFAULT_NETWORK   # a name of models.networks.NETWORKS: how the cells are wired
    task: str = "adding"        # key of playground.tasks.TASKS
    seq_len: int = 50           # T, timesteps per sequence
    lag: int = 10               # copy and lookahead tasks: steps between an input and the output that needs it
    tbptt: int = 0              # char tasks: carry h across windows, detached every k steps; 0 = off
    hidden: int = 64            # H, units per recurrent layer
    layers: int = 1             # stacked recurrent layers
    activation: str = "tanh"    # vanilla RNN non-linearity
    init: str = "default"       # default | orthogonal | identity | spectral
    radius: float = 1.0         # spectral radius of W_hh when init == "spectral"
    gate_bias: float = 0.0      # added at init to the memory gate's bias (LSTM f, GRU z)
    optimizer: str = "adam"     # adam | sgd
    lr: float = 0.01            # learning rate
    batch: int = 32             # sequences per training step
    clip: float = 0.0           # max global gradient norm; 0 turns clipping off
    seed: int = 0               # seeds weights, data and probe batch

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_query(self) -> dict[str, str]:
        """Query-string form: only fields that differ from the defaults."""
        default = RunConfig()
        return {k: format_value(v) for k, v in self.to_dict().items() if v != getattr(default, k)}

    def replace(self, **changes: Any) -> "RunConfig":
        """A validated copy with some fields changed."""
        return validate(replace(self, **changes))


def parse_value(name: str, raw: Any) -> Any:
    """Parse and check one run setting; raise ConfigError with a one-line reason."""
    if name not in FIELDS:
        raise ConfigError(f"unknown setting '{echoed(name)}'")
    return parse_field(FIELDS[name], raw)


def validate(config: RunConfig) -> RunConfig:
    """Check every field of ``config``; return it unchanged or raise ConfigError."""
    for name in FIELDS:
        parse_value(name, getattr(config, name))
    check_network(config)         # the network shape against the task and the cell
    return config


def from_mapping(values: Mapping[str, Any], base: RunConfig | None = None) -> RunConfig:
    """Build a validated config from a mapping; unknown keys are an error."""
    changes = {k: parse_value(k, v) for k, v in values.items()}
    return validate(replace(base or RunConfig(), **changes))


def from_query(params: Mapping[str, Any], base: RunConfig | None = None) -> tuple[RunConfig, list[str]]:
    """Lenient URL form: each bad or unknown parameter falls back to its default.

    Returns the config and one human note per parameter that was ignored.
    """
    config, notes = base or RunConfig(), []
    for key, raw in params.items():
        if key not in FIELDS:
            continue  # other pages' parameters (e.g. presenter flags) live in the URL too
        if isinstance(raw, (list, tuple)):
            raw = raw[-1] if raw else ""
        try:
            config = replace(config, **{key: parse_value(key, raw)})
        except ConfigError as err:
            notes.append(f"Ignored URL parameter {key}: {without_value(err)} (got {literal(raw)}); "
                         f"using {getattr(config, key)}.")
    try:                               # a shape the link's task or cell cannot take falls back as a bad value does
        check_network(config)
    except ConfigError as err:
        config = replace(config, network=DEFAULT_NETWORK)
        notes.append(f"Ignored URL parameter network: {err}; using {DEFAULT_NETWORK}.")
    return config, notes
