"""Sweeps: a grid of runs over the config fields, each trial scored against its task's baseline.

A ``SweepSpec`` holds a base ``RunConfig``, a list of values per varied field (any key of
``playground.config.FIELDS``: architecture, T, lag, hidden size, learning rate, seed, ...),
the training steps per trial and the validation cadence. ``run_trial`` trains one config
exactly as ``python -m playground train`` does (same seeds, so the same final metric) and
reports:

- the final validation metric and the task's baseline (a trivial predictor's metric);
- whether and when it reached the *solved* threshold: by default the point that closes 90 %
  of the gap between the baseline and a perfect score (adding problem: MSE 0.0167), checked
  every ``val_every`` steps — the steps and seconds it took;
- whether it diverged (a NaN/Inf loss: the metric is then the last finite model's).

Running many trials at once is ``playground.sweeps.runner``'s job (Ray); this module has no
Ray and no Streamlit, so the CLI, the page and the tests share it.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Mapping
from urllib.parse import urlencode

from models.networks import network_shape
from playground.strict_numbers import decimal_number, whole_number
from playground.config import CUSTOM_TASK, FIELDS, RunConfig, clipped, parse_value, validate
from playground.errors import ConfigError, DivergenceError

MAX_TRIALS = 500            # one sweep's grid; a bigger one is refused with the count
MAX_SWEEP_STEPS = 100_000   # training steps per trial
MAX_TRIAL_STEPS = 200_000   # trials x steps per trial: one sweep's whole training cost
MAX_FIELD_CHARS = 200       # one field's comma-separated values, as typed (the page's max_chars too)
MAX_NUMBER_CHARS = 40       # steps, val_every, threshold as typed
SOLVE_FRACTION = 0.9        # solved = closed this share of the gap between baseline and perfect
DEFAULT_VAL_EVERY = 50


@dataclass(frozen=True)
class SweepSpec:
    """A grid of trials: every combination of ``grid``'s values on top of ``base``.

    ``grid`` maps field names to the values tried, in the order the trials are listed
    (the first field varies slowest). ``threshold`` overrides the solved threshold of the task.
    """

    base: RunConfig = RunConfig()
    grid: tuple[tuple[str, tuple], ...] = ()
    steps: int = 300                       # training steps per trial
    val_every: int = DEFAULT_VAL_EVERY     # steps between checks of the solved threshold
    threshold: float | None = None         # None: the task's own (see solved_threshold)

    def trials(self) -> list[RunConfig]:
        """Every trial's config, in grid order."""
        names = [name for name, _ in self.grid]
        combos = itertools.product(*(values for _, values in self.grid))
        return [validate(self.base.replace(**dict(zip(names, combo)))) for combo in combos]

    def size(self) -> int:
        """Number of trials."""
        return math.prod(len(values) for _, values in self.grid)

    def varied(self) -> list[str]:
        """Fields with more than one value."""
        return [name for name, values in self.grid if len(values) > 1]


@dataclass
class TrialResult:
    """What one trial reached; ``config`` is the full config as a plain dict."""

    index: int
    config: dict
    metric: float | None = None
    baseline: float | None = None
    metric_name: str = ""
    higher_is_better: bool = False
    threshold: float | None = None
    solved: bool = False
    steps_to_threshold: int | None = None
    seconds_to_threshold: float | None = None
    steps: int = 0
    seconds: float = 0.0
    diverged: bool = False
    error: str | None = None

    def row(self) -> dict[str, Any]:
        """One flat table row: config fields first, then the outcome."""
        row = {"trial": self.index, **self.config}
        row.update({k: v for k, v in asdict(self).items() if k not in ("index", "config")})
        return row


def solved_threshold(task, fraction: float = SOLVE_FRACTION) -> float:
    """The metric at which a run counts as having solved ``task``: ``fraction`` of the way to perfect.

    Perfect is 1 for a higher-is-better metric (accuracy) and 0 otherwise (MSE, bits/char).
    """
    perfect = 1.0 if task.higher_is_better else 0.0
    baseline = task.baseline()
    return baseline + fraction * (perfect - baseline)


def reaches(metric: float | None, threshold: float, higher_is_better: bool) -> bool:
    """True when ``metric`` is at or beyond ``threshold`` in the metric's good direction."""
    if metric is None or not math.isfinite(metric):
        return False
    return metric >= threshold if higher_is_better else metric <= threshold


def run_trial(config: RunConfig, steps: int, val_every: int = DEFAULT_VAL_EVERY,
              threshold: float | None = None, index: int = 0) -> TrialResult:
    """Train ``config`` for ``steps`` updates (as the CLI does) and score it; never raises for a diverging run."""
    import torch

    from playground.engine.trainer import Trainer

    torch.set_num_threads(1)
    start = time.perf_counter()
    trainer = Trainer(config, val_every=val_every)
    task = trainer.task
    limit = solved_threshold(task) if threshold is None else threshold
    result = TrialResult(index, config.to_dict(), baseline=task.baseline(), metric_name=task.metric_name,
                         higher_is_better=task.higher_is_better, threshold=limit)
    try:
        for _ in range(steps):
            row = trainer.step()
            if result.steps_to_threshold is None and "val_metric" in row and \
                    reaches(row["val_metric"], limit, task.higher_is_better):
                result.steps_to_threshold = row["step"]
                result.seconds_to_threshold = round(time.perf_counter() - start, 3)
    except DivergenceError:
        result.diverged = True
    result.metric = trainer.validate()
    result.steps = trainer.step_count
    result.seconds = round(time.perf_counter() - start, 3)
    result.solved = reaches(result.metric, limit, task.higher_is_better)
    return result


def split_values(name: str, raw: str | list | tuple) -> list[str]:
    """The items of one grid field, unparsed: its length is checked before it is split (MAX_FIELD_CHARS)."""
    if isinstance(raw, (list, tuple)):
        if len(raw) > MAX_FIELD_CHARS:
            raise ConfigError(f"{name} has {len(raw):,} values; the limit is {MAX_FIELD_CHARS}")
        items = [str(item)[:MAX_FIELD_CHARS + 1] for item in raw]
        text_length = sum(map(len, items)) + len(items) - 1
    else:
        text = str(raw)
        text_length, items = len(text), None
    if text_length > MAX_FIELD_CHARS:
        raise ConfigError(f"{name} is {text_length:,} characters long; the limit is {MAX_FIELD_CHARS}")
    items = items if items is not None else text.split(",")
    return [item for item in (i.strip() for i in items) if item]


def parse_values(name: str, raw: str | list | tuple) -> tuple:
    """The values of one grid field: a comma-separated string (or a list), each checked by the field table."""
    items = split_values(name, raw)
    if not items:
        raise ConfigError(f"{name} needs at least one value")
    values = tuple(dict.fromkeys(parse_value(name, item) for item in items))   # keep order, drop repeats
    if name == "task" and CUSTOM_TASK in values:
        raise ConfigError("a sweep cannot use uploaded data (task custom); choose a built-in task")
    return values


def parse_steps(raw: Any, name: str = "steps", high: int = MAX_SWEEP_STEPS) -> int:
    """A whole number from 1 to ``high``."""
    if len(str(raw)) > MAX_NUMBER_CHARS:
        raise ConfigError(f"{name} must be a whole number between 1 and {high} (got {len(str(raw)):,} characters)")
    value = whole_number(raw if isinstance(raw, int) else str(raw))
    if value is None:
        raise ConfigError(f"{name} must be a whole number between 1 and {high} (got '{clipped(raw)}')")
    if not 1 <= value <= high:
        raise ConfigError(f"{name} must be between 1 and {high} (got {value})")
    return value


def parse_threshold(raw: Any) -> float | None:
    """An explicit solved threshold (a finite number), or None for the task's own."""
    if raw is None or str(raw).strip() == "":
        return None
    if len(str(raw)) > MAX_NUMBER_CHARS:
        raise ConfigError(f"threshold must be a finite number of at most {MAX_NUMBER_CHARS} characters")
    value = decimal_number(raw if isinstance(raw, (int, float)) else str(raw))
    if value is None or not math.isfinite(value):
        raise ConfigError(f"threshold must be a finite number (got '{clipped(raw)}')")
    return value


def spec_from_strings(values: Mapping[str, Any], steps: Any = 300, val_every: Any = DEFAULT_VAL_EVERY,
                      threshold: Any = None) -> SweepSpec:
    """A checked SweepSpec from field -> comma-separated values (CLI flags, URL parameters, form fields).

    Every bound is checked before the work it bounds: each field's length before it is split, the
    number of trials (from the counts of items) and trials x steps before any value is parsed.
    """
    items = {}
    for name, raw in values.items():
        if name not in FIELDS:
            raise ConfigError(f"unknown setting '{clipped(name)}'")
        if raw is not None:
            items[name] = split_values(name, raw)
    count = math.prod(max(1, len(v)) for v in items.values())
    if count > MAX_TRIALS:
        raise ConfigError(f"this grid has {count:,} trials; the limit is {MAX_TRIALS:,} — use fewer values")
    steps = parse_steps(steps)
    if count * steps > MAX_TRIAL_STEPS:
        raise ConfigError(f"this grid is {count:,} trials x {steps:,} steps = {count * steps:,} training steps; "
                          f"the limit is {MAX_TRIAL_STEPS:,} — use fewer trials or steps")
    val_every, threshold = parse_steps(val_every, "val_every"), parse_threshold(threshold)
    grid = [(name, parse_values(name, raw)) for name, raw in items.items()]
    grid.sort(key=lambda item: list(FIELDS).index(item[0]))
    fixed = {name: vals[0] for name, vals in grid if len(vals) == 1}
    base = validate(RunConfig().replace(**fixed)) if fixed else RunConfig()
    spec = SweepSpec(base, tuple((n, v) for n, v in grid if len(v) > 1), steps, val_every, threshold)
    refuse_ignored_axes(spec, spec.trials())      # every combination must be a valid config, and differ
    return spec


def refuse_ignored_axes(spec: SweepSpec, trials: list[RunConfig]) -> None:
    """ConfigError when a varied setting is one a trial's network does not read (its row's ``ignores``):
    those trials would train the same run again under different names."""
    varied = spec.varied()
    for shape in {network_shape(config.network) for config in trials}:
        unread = [name for name in varied if name in shape.ignores]
        if unread:
            raise ConfigError(f"the {shape.label} network does not read {', '.join(unread)}: a sweep over it "
                              "would train the same run again — give it one value, or sweep another network")


def train_url(config: RunConfig | Mapping, page: str = "train") -> str:
    """The relative URL that reproduces ``config`` on ``page`` (only the fields that differ from the defaults)."""
    if not isinstance(config, RunConfig):
        config = RunConfig(**{k: v for k, v in config.items() if k in FIELDS})
    query = urlencode(config.to_query())
    return f"{page}?{query}" if query else page


@dataclass
class Progress:
    """Where a sweep stands: counts of trials by state, and seconds since it started."""

    total: int
    done: int = 0
    running: int = 0
    queued: int = 0
    cancelled: int = 0
    failed: int = 0
    elapsed: float = 0.0
    finished: bool = False
    note: str | None = None
    results: list[TrialResult] = field(default_factory=list)

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left at the pace so far (None before the first trial ends, or once finished)."""
        left = self.running + self.queued
        if self.finished or self.done == 0 or left == 0:
            return None if self.finished or self.done == 0 else 0.0
        return self.elapsed / self.done * left
