"""The run configuration: one frozen dataclass and one field table.

The field table (``FIELDS``) drives validation, the CLI flags and the URL query
string alike, as TensorFlow Playground's state table does: a setting is declared
once, with its type, default, limits and help, and every reader uses it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping

from playground.errors import ConfigError
from playground.tasks import CUSTOM_TASK, TASKS

ARCHS = ("rnn", "gru", "lstm")
INITS = ("default", "orthogonal", "identity", "spectral")
ACTIVATIONS = ("tanh", "relu")
OPTIMIZERS = ("adam", "sgd")

# Limits that keep one session from starving the others on a small server.
MAX_SEQ_LEN = 400
MAX_HIDDEN = 256
MAX_LAYERS = 3
MAX_BATCH = 256


@dataclass(frozen=True)
class Field:
    """One setting: its kind ('int', 'float', 'choice', 'str'), limits and help line."""

    name: str
    kind: str
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None


FIELDS: dict[str, Field] = {f.name: f for f in (
    Field("arch", "choice", "recurrent architecture", choices=ARCHS),
    Field("task", "str", "task name (see `python -m playground tasks`)"),
    Field("seq_len", "int", "sequence length T", 1, MAX_SEQ_LEN),
    Field("lag", "int", "delay of the copy task, in steps", 1, MAX_SEQ_LEN),
    Field("hidden", "int", "hidden units per layer", 1, MAX_HIDDEN),
    Field("layers", "int", "stacked recurrent layers", 1, MAX_LAYERS),
    Field("activation", "choice", "vanilla RNN non-linearity", choices=ACTIVATIONS),
    Field("init", "choice", "initialisation of the recurrent matrix", choices=INITS),
    Field("radius", "float", "spectral radius for init=spectral", 0.01, 3.0),
    Field("optimizer", "choice", "optimiser", choices=OPTIMIZERS),
    Field("lr", "float", "learning rate", 1e-6, 10.0),
    Field("batch", "int", "batch size", 1, MAX_BATCH),
    Field("clip", "float", "gradient clipping by global norm (0 = off)", 0.0, 1e6),
    Field("seed", "int", "random seed (same seed => same run)", 0, 2**31 - 1),
)}


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run; same config and seed => same history."""

    arch: str = "lstm"          # rnn | gru | lstm
    task: str = "adding"        # key of playground.tasks.TASKS
    seq_len: int = 50           # T, timesteps per sequence
    lag: int = 10               # copy task: steps between seeing and recalling
    hidden: int = 64            # H, units per recurrent layer
    layers: int = 1             # stacked recurrent layers
    activation: str = "tanh"    # vanilla RNN non-linearity
    init: str = "default"       # default | orthogonal | identity | spectral
    radius: float = 1.0         # spectral radius of W_hh when init == "spectral"
    optimizer: str = "adam"     # adam | sgd
    lr: float = 0.01            # learning rate (changeable mid-run)
    batch: int = 32             # sequences per training step
    clip: float = 0.0           # max global gradient norm; 0 turns clipping off
    seed: int = 0               # seeds weights, data and probe batch

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of every field."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_query(self) -> dict[str, str]:
        """Query-string form: only fields that differ from the defaults."""
        default = RunConfig()
        return {k: _fmt(v) for k, v in self.to_dict().items() if v != getattr(default, k)}

    def replace(self, **changes: Any) -> "RunConfig":
        """A validated copy with some fields changed."""
        return validate(replace(self, **changes))


def _fmt(value: Any) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def parse_value(name: str, raw: Any) -> Any:
    """Parse and check one setting; raise ConfigError with a one-line reason."""
    if name not in FIELDS:
        raise ConfigError(f"unknown setting '{name}'")
    spec = FIELDS[name]
    if spec.kind == "choice":
        value = str(raw).strip().lower()
        if value not in spec.choices:
            raise ConfigError(f"{name} must be one of {', '.join(spec.choices)} (got '{clipped(raw)}')")
        return value
    if spec.kind == "str":
        return _check_task(str(raw).strip().lower())
    try:
        if spec.kind == "int":
            if isinstance(raw, float) and not raw.is_integer():
                raise ValueError
            value = int(raw) if not isinstance(raw, str) else int(raw.strip())
        else:
            value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"{name} must be a number (got '{clipped(raw)}')") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number (got '{clipped(raw)}')")
    if not spec.low <= value <= spec.high:
        raise ConfigError(f"{name} must be between {spec.low:g} and {spec.high:g} (got {value:g})")
    return value


def _check_task(name: str) -> str:
    if name not in TASKS and name != CUSTOM_TASK:
        raise ConfigError(f"unknown task '{clipped(name)}'; choose one of {', '.join(TASKS)}")
    return name


def validate(config: RunConfig) -> RunConfig:
    """Check every field of ``config``; return it unchanged or raise ConfigError."""
    for name in FIELDS:
        parse_value(name, getattr(config, name))
    return config


def from_mapping(values: Mapping[str, Any], base: RunConfig | None = None) -> RunConfig:
    """Build a validated config from a mapping; unknown keys are an error."""
    changes = {k: parse_value(k, v) for k, v in values.items()}
    return validate(replace(base or RunConfig(), **changes))


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$"


def markdown_escaped(text: str) -> str:
    """``text`` with markdown's special characters escaped, so a URL value cannot become a link."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in text)


def clipped(raw: Any, limit: int = 40) -> str:
    """A raw value as echoed in a message: at most ``limit`` characters."""
    text = str(raw)
    return text[:limit] + "…" if len(text) > limit else text


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
            notes.append(f"Ignored URL parameter {key}: {markdown_escaped(str(err))}; "
                         f"using {getattr(config, key)}.")
    return config, notes
