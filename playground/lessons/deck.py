"""Decks: a talk or a lesson as a short TOML file of steps, parsed and checked strictly.

A deck is written by a person and may be uploaded by a stranger, so nothing in it is
trusted: the file is size-limited, every key is known, every text is plain and bounded,
and every run setting goes through the config field table (``playground.config.FIELDS``).

    title = "Why LSTMs"
    summary = "A vanilla RNN fails the adding problem; an LSTM solves it."

    [[step]]
    title = "A vanilla RNN meets the adding problem"
    notes = "Two numbers are marked; the net must output their sum at the end."
    view = "loss"                                  # what the step shows (``VIEWS``)
    settings = { arch = "rnn", task = "adding" }   # changes from the previous step's settings
    on_arrival = "train"                           # nothing | start | pause | train
    steps = 400                                    # with "train": train until the model has 400 steps
    claims = ["val > 0.9 x baseline at step 400"]  # what the notes claim, checked by the claims tests

Settings carry over from step to step (the first step starts from the app's defaults), so
steps that change nothing share one live model. ``clamp``/``ablate`` edit the model on an
``interventions`` step; ``cell`` sets the tiny network of a ``cell`` step.
"""
from __future__ import annotations

import math
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from models.architectures import DIAGONAL_ARCHS, MATRIX_ARCHS, VANILLA_ARCH, architecture
from playground.lessons.cell_trace import MAX_HIDDEN as CELL_MAX_HIDDEN, CellSpec, parse_sequence
from playground.config import FIELDS, RunConfig, clipped, from_mapping
from playground.lessons.expectation import claim_lines
from playground.errors import ConfigError, PlaygroundError
from playground.strict_numbers import whole_number
from playground.tasks import CUSTOM_TASK, check_task

MAX_BYTES = 32_000            # a deck file; ten steps of notes take about 4 kB
MAX_STEPS = 40
MAX_TITLE = 100               # characters of a deck or step title
MAX_SUMMARY = 400
MAX_NOTES = 1_500             # characters of one step's notes ...
MAX_NOTE_LINES = 15           # ... and lines
MAX_TRAIN_STEPS = 20_000      # "train until step n" on arrival
DECK_DIR = Path(__file__).resolve().parent / "decks"


@dataclass(frozen=True)
class View:
    """What a step can show: its label and whether it needs a live model."""

    label: str
    needs_run: bool


VIEWS: dict[str, View] = {
    "loss": View("Loss, metric and baseline", True),
    "gradients": View("Gradient norm across timesteps", True),
    "gates": View("Gates of one sequence", True),
    "states": View("Hidden states", True),
    "predictions": View("What the model outputs", True),
    "eigenvalues": View("The recurrence's eigenvalues in the complex plane", True),
    "interventions": View("The model with a gate clamped or units silenced", True),
    "cell": View("One tiny cell, unrolled, with the real numbers", False),
    "topologies": View("The five topologies", False),
}
ARRIVALS = ("nothing", "start", "pause", "train")   # what happens when the speaker arrives at a step
CELL_MODES = ("forward", "backward")
DECK_KEYS = {"title", "summary", "step"}
STEP_KEYS = {"title", "notes", "view", "settings", "on_arrival", "steps", "clamp", "ablate", "cell", "claims"}
CELL_KEYS = {"arch", "hidden", "sequence", "mode", "t"}
BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}


@dataclass(frozen=True)
class CellView:
    """The tiny network of a ``cell`` step: architecture, hidden size, sequence, direction, timestep."""

    arch: str = VANILLA_ARCH
    hidden: int = 2
    sequence: str = "1, 0, 0, 0"
    mode: str = "forward"
    t: int = 1                  # 1-based timestep shown first


@dataclass(frozen=True)
class Step:
    """One step of a deck (see the module docstring); ``config`` holds the carried-over settings."""

    title: str
    notes: str
    view: str
    config: RunConfig
    on_arrival: str = "nothing"
    steps: int | None = None
    clamp: Mapping[str, float] = field(default_factory=dict)
    ablate: tuple[int, ...] = ()
    cell: CellView | None = None
    claims: tuple[str, ...] = ()

    @property
    def needs_run(self) -> bool:
        """True when the step shows a live model."""
        return VIEWS[self.view].needs_run


@dataclass(frozen=True)
class Deck:
    """A parsed, checked deck: a title, a summary and at least one step."""

    title: str
    summary: str
    steps: tuple[Step, ...]

    def __len__(self) -> int:
        return len(self.steps)


class DeckError(PlaygroundError, ValueError):
    """A deck file is malformed, too large or asks for something the app does not allow."""


def _text(value: Any, where: str, limit: int, lines: int = 1, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise DeckError(f"{where} must be text in quotes")
    text = value.replace("\r\n", "\n").strip()
    if required and not text:
        raise DeckError(f"{where} is empty")
    if len(text) > limit:
        raise DeckError(f"{where} is {len(text)} characters long; at most {limit} fit")
    if text.count("\n") + 1 > lines:
        raise DeckError(f"{where} has {text.count(chr(10)) + 1} lines; at most {lines}")
    for ch in text:
        if ch in BIDI_CONTROLS or (unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\n\t"):
            raise DeckError(f"{where} contains an invisible control character (U+{ord(ch):04X})")
    return text


def _keys(table: Any, allowed: set[str], where: str) -> dict:
    if not isinstance(table, dict):
        raise DeckError(f"{where} must be a table of key = value lines")
    unknown = sorted(k for k in table if k not in allowed)
    if unknown:
        raise DeckError(f"{where}: unknown key '{clipped(unknown[0], 30)}' (allowed: {', '.join(sorted(allowed))})")
    return table


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DeckError(f"{where} must be a whole number from {low} to {high} (got '{clipped(value, 20)}')")
    return value


def _choice(value: Any, where: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise DeckError(f"{where} must be one of {', '.join(choices)} (got '{clipped(value, 30)}')")
    return value


def _settings(table: Any, base: RunConfig, where: str) -> RunConfig:
    table = _keys(table, set(FIELDS), where)
    for name, value in table.items():
        if isinstance(value, (dict, list, bool)) or value is None:
            raise DeckError(f"{where}: {name} must be a single value")
    if str(table.get("task", "")).strip().lower() == CUSTOM_TASK:
        raise DeckError(f"{where}: a deck cannot train on uploaded data (task = \"{CUSTOM_TASK}\")")
    try:
        config = from_mapping(table, base)
        check_task(config)                   # combinations (a lag longer than the sequence, ...)
    except ConfigError as err:
        raise DeckError(f"{where}: {err}") from None
    return config


def _clamp(table: Any, arch: str, where: str) -> dict[str, float]:
    gates = architecture(arch).clampable
    table = _keys(table, set(gates), where + f" (a {arch} can clamp: {', '.join(gates) or 'nothing'})")
    out = {}
    for gate, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0.0 <= value <= 1.0:
            raise DeckError(f"{where}: gate {gate} must be clamped to a number from 0 to 1")
        out[gate] = float(value)
    return out


def _ablate(value: Any, hidden: int, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) > hidden:
        raise DeckError(f"{where} must be a list of unit numbers, e.g. [0, 3]")
    return tuple(sorted({_whole(u, where, 0, hidden - 1) for u in value}))


def _cell(table: Any, where: str) -> CellView:
    table = _keys(table, CELL_KEYS, where)
    view = CellView(
        arch=_choice(table.get("arch", VANILLA_ARCH), f"{where}: arch", MATRIX_ARCHS),      # the cell page's cells
        hidden=_whole(table.get("hidden", 2), f"{where}: hidden", 1, CELL_MAX_HIDDEN),
        sequence=_text(table.get("sequence", "1, 0, 0, 0"), f"{where}: sequence", 200),
        mode=_choice(table.get("mode", "forward"), f"{where}: mode", CELL_MODES),
        t=_whole(table.get("t", 1), f"{where}: t", 1, 12))
    try:
        CellSpec(view.arch, view.hidden)
        x = parse_sequence(view.sequence, 1, what=f"{where}: sequence")
    except PlaygroundError as err:
        raise DeckError(str(err)) from None
    if view.t > len(x):
        raise DeckError(f"{where}: t = {view.t} but the sequence has {len(x)} steps")
    return view


def _step(raw: Any, k: int, base: RunConfig) -> Step:
    where = f"step {k}"
    raw = _keys(raw, STEP_KEYS, where)
    view = _choice(raw.get("view", "loss"), f"{where}: view", tuple(VIEWS))
    config = _settings(raw.get("settings", {}), base, f"{where}: settings")
    if view == "eigenvalues" and not architecture(config.arch).diagonal_recurrence:
        raise DeckError(f"{where}: the eigenvalues view needs a fixed diagonal recurrence: arch = "
                        f"{' or '.join(DIAGONAL_ARCHS)}")
    arrival = _choice(raw.get("on_arrival", "nothing"), f"{where}: on_arrival", ARRIVALS)
    steps = None
    if arrival == "train" or "steps" in raw:
        if arrival != "train":
            raise DeckError(f"{where}: steps goes with on_arrival = \"train\"")
        if "steps" not in raw:
            raise DeckError(f"{where}: on_arrival = \"train\" needs steps = <how many training steps>")
        steps = _whole(raw["steps"], f"{where}: steps", 1, MAX_TRAIN_STEPS)
    if not VIEWS[view].needs_run and arrival != "nothing":
        raise DeckError(f"{where}: a {view} view has no live model, so on_arrival must be \"nothing\"")
    if ("clamp" in raw or "ablate" in raw) and view != "interventions":
        raise DeckError(f"{where}: clamp and ablate go with view = \"interventions\"")
    clamp = _clamp(raw["clamp"], config.arch, f"{where}: clamp") if "clamp" in raw else {}
    ablate = _ablate(raw["ablate"], config.hidden, f"{where}: ablate") if "ablate" in raw else ()
    if "cell" in raw and view != "cell":
        raise DeckError(f"{where}: cell goes with view = \"cell\"")
    cell = _cell(raw.get("cell", {}), f"{where}: cell") if view == "cell" else None
    return Step(title=_text(raw.get("title"), f"{where}: title", MAX_TITLE),
                notes=_text(raw.get("notes"), f"{where}: notes", MAX_NOTES, MAX_NOTE_LINES, required=False),
                view=view, config=config, on_arrival=arrival, steps=steps, clamp=clamp, ablate=ablate, cell=cell,
                claims=claim_lines(raw.get("claims", []), f"{where}: claims", DeckError))


def parse_deck(data: bytes | str) -> Deck:
    """Parse and check a deck file; raise DeckError with a one-line reason for anything wrong."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise DeckError(f"the deck file is {len(data):,} bytes; at most {MAX_BYTES:,} are accepted")
    try:
        text = data.decode("utf-8")
        raw = tomllib.loads(text)
    except UnicodeDecodeError:
        raise DeckError("the deck file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise DeckError(f"the deck file is not valid TOML: {clipped(str(err).splitlines()[0], 120)}") from None
    except RecursionError:
        raise DeckError("the deck file is nested too deeply") from None
    except ValueError:                       # tomllib's int() of a number of thousands of digits
        raise DeckError(f"the deck file has a number of more than {sys.get_int_max_str_digits():,} digits") from None
    raw = _keys(raw, DECK_KEYS, "the deck")
    steps = raw.get("step")
    if not isinstance(steps, list) or not steps:
        raise DeckError("the deck has no steps: add at least one [[step]] table")
    if len(steps) > MAX_STEPS:
        raise DeckError(f"the deck has {len(steps)} steps; at most {MAX_STEPS}")
    parsed, config = [], RunConfig()
    for k, raw_step in enumerate(steps, 1):
        step = _step(raw_step, k, config)
        parsed.append(step)
        config = step.config
    return Deck(title=_text(raw.get("title"), "the deck's title", MAX_TITLE),
                summary=_text(raw.get("summary"), "the deck's summary", MAX_SUMMARY, 4, required=False),
                steps=tuple(parsed))


def builtin_decks() -> dict[str, Path]:
    """The decks shipped with the app: name (the file's stem, used in links) -> path."""
    return {p.stem: p for p in sorted(DECK_DIR.glob("*.toml"))}


def load_builtin(name: str) -> Deck:
    """A shipped deck by name; DeckError for an unknown name."""
    decks = builtin_decks()
    if name not in decks:
        raise DeckError(f"there is no deck '{clipped(name, 30)}'; choose one of {', '.join(decks)}")
    return parse_deck(decks[name].read_bytes())


def step_index(raw: Any, count: int) -> tuple[int, str | None]:
    """The 0-based step of a 1-based URL value, clamped to the deck; a note when it was unusable."""
    number = whole_number(raw[-1] if isinstance(raw, (list, tuple)) and raw else raw)
    if number is None:
        return 0, "Ignored URL parameter step: not a step number written with the digits 0-9; starting at step 1."
    if not 1 <= number <= count:
        return min(max(number, 1), count) - 1, f"Ignored URL parameter step: this deck has steps 1 to {count}."
    return number - 1, None
