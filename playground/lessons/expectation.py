"""What a text claims about the outcome of training, as one short line a test can check.

Every deck step, home card, sweep preset and page text that states an outcome of training
carries the claim beside it, with its tolerance, in this form::

    val < 0.05 by step 1500                        # some check up to step 1500 is below 0.05
    val > 0.9 x baseline until step 1500           # every check up to step 1500 is above 0.9 × baseline
    val < 0.3 x baseline at step 1000 over seeds 0, 1, 2
    grad_reach < 1e-4 at step 1500                 # ||dL/dh_1|| / ||dL/dh_T|| on the probe batch
    diverges by step 100
    val > 0.8 x baseline at step 1500 with i = 0    # with the input gate clamped to 0 (interventions)
    radius > 2 at step 1500                        # spectral radius of the last layer's candidate W_hh block
    modulus > 0.77 at step 600                     # mean |λ| of the last layer's recurrence eigenvalues

- ``val``: the task's validation metric on the run's fixed validation batch (with the step's
  clamped gates, on an interventions step). ``grad_reach``: how much of the loss gradient at
  the last step reaches the first, ||dL/dh_1|| / ||dL/dh_T|| (BPTT on the probe batch).
  ``radius`` and ``modulus``: the largest and the mean |λ| of the last layer's recurrence
  eigenvalues (a classic cell's candidate W_hh block, a scan cell's fixed diagonal such as the LRU's).
- A number, ``baseline`` (the task's trivial predictor) or ``<number> x baseline``.
- ``at``: the value at that step. ``by``: at some check (every ``CHECK_EVERY`` steps, and at the
  step itself) up to it. ``until``: at every such check. ``diverges by``: a NaN/Inf loss or
  gradient stops the run at or before the step; every other claim fails on a divergence.
- ``over seeds``: the claim must hold for each seed (the run's own seed when absent).
- ``with g = v``: gates clamped while the metric is measured (instead of an interventions step's own).

``parse_expectation`` checks a line and returns an ``Expectation``; ``playground.lessons.claims``
gathers the lines, and the claims tests (``python -m pytest -m claims``) train and check them.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass, field
from typing import Mapping

from playground.errors import PlaygroundError

CHECK_EVERY = 50              # steps between the checks of "by" and "until"
MAX_CLAIM_STEP = 20_000
MAX_CLAIM_LINES = 8           # claim lines of one deck step
METRICS = {"val": "the validation metric", "grad_reach": "||dL/dh_1|| / ||dL/dh_T||",
           "radius": "the spectral radius of the recurrence (its largest |λ|)",
           "modulus": "the mean |λ| of the recurrence's eigenvalues"}
WHENS = ("at", "by", "until")
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}

_NUMBER = r"[0-9]*\.?[0-9]+(?:e-?[0-9]+)?"
_SEEDS = r"(?:\s+over\s+seeds\s+(?P<seeds>[0-9]+(?:\s*,\s*[0-9]+)*))?"
_CLAMP = rf"(?:\s+with\s+(?P<clamp>[a-z]\s*=\s*{_NUMBER}(?:\s*,\s*[a-z]\s*=\s*{_NUMBER})*))?"
_COMPARE = re.compile(rf"^(?P<metric>[a-z_]+)\s*(?P<op><=|>=|<|>)\s*(?:(?P<number>{_NUMBER})\s*(?P<times>x\s+baseline)?"
                      rf"|(?P<baseline>baseline))\s+(?P<when>[a-z]+)\s+step\s+(?P<step>[0-9]+){_CLAMP}{_SEEDS}$")
_DIVERGES = re.compile(rf"^diverges\s+by\s+step\s+(?P<step>[0-9]+){_SEEDS}$")


class ClaimError(PlaygroundError, ValueError):
    """A claim line that does not follow the grammar of this module."""


@dataclass(frozen=True)
class Expectation:
    """One parsed claim line (see the module docstring)."""

    text: str
    metric: str                     # a name of METRICS, or "diverged"
    step: int
    when: str = "at"
    op: str = ">"
    value: float = 0.0
    of_baseline: bool = False       # value is a multiple of the task's baseline
    seeds: tuple[int, ...] | None = None
    clamp: tuple[tuple[str, float], ...] = ()

    def threshold(self, baseline: float) -> float:
        """The number the metric is compared with."""
        return self.value * baseline if self.of_baseline else self.value

    def holds(self, series: Mapping[int, float], baseline: float, diverged_at: int | None) -> bool:
        """True when the metric's values by step (``series``) bear the claim out."""
        if self.metric == "diverged":
            return diverged_at is not None and diverged_at <= self.step
        if diverged_at is not None and diverged_at <= self.step:
            return False
        compare, limit = OPS[self.op], self.threshold(baseline)
        if self.when == "at":
            checked = [series[self.step]]
        else:
            checked = [v for s, v in series.items() if s <= self.step]
        ok = [math.isfinite(v) and compare(v, limit) for v in checked]
        return all(ok) if self.when in ("at", "until") else any(ok)

    def check_steps(self) -> list[int]:
        """The steps at which the metric must be measured."""
        if self.metric == "diverged":
            return []
        if self.when == "at":
            return [self.step]
        return sorted(set(range(CHECK_EVERY, self.step + 1, CHECK_EVERY)) | {self.step})


def parse_expectation(text: str) -> Expectation:
    """Parse one claim line; ClaimError with a one-line reason otherwise."""
    line = " ".join(str(text).split())
    if len(line) > 200:
        raise ClaimError("a claim is at most 200 characters")
    seeds = None
    if match := _DIVERGES.match(line):
        metric, when, op, value, of_baseline = "diverged", "by", ">", 0.0, False
    elif match := _COMPARE.match(line):
        metric, when, op = match["metric"], match["when"], match["op"]
        if metric not in METRICS:
            raise ClaimError(f"claim '{line}': the metric must be one of {', '.join(METRICS)}")
        if when not in WHENS:
            raise ClaimError(f"claim '{line}': say at, by or until step N")
        value, of_baseline = (1.0, True) if match["baseline"] else (float(match["number"]), bool(match["times"]))
    else:
        raise ClaimError(f"claim '{line}' does not read like 'val < 0.05 by step 1500' or 'diverges by step 100'")
    step = int(match["step"])
    if not 1 <= step <= MAX_CLAIM_STEP:
        raise ClaimError(f"claim '{line}': the step must be from 1 to {MAX_CLAIM_STEP}")
    if match["seeds"]:
        seeds = tuple(dict.fromkeys(int(s) for s in match["seeds"].split(",")))
    clamp = ()
    if match.groupdict().get("clamp"):
        pairs = (item.split("=") for item in match["clamp"].split(","))
        clamp = tuple(sorted((gate.strip(), float(v)) for gate, v in pairs))
        if any(not 0.0 <= v <= 1.0 for _, v in clamp):
            raise ClaimError(f"claim '{line}': a gate is clamped to a number from 0 to 1")
    return Expectation(line, metric, step, when, op, value, of_baseline, seeds, clamp)


def claim_lines(value: object, where: str, error: type[Exception] = ClaimError) -> tuple[str, ...]:
    """A list of at most ``MAX_CLAIM_LINES`` claim lines (a deck step's ``claims``), each checked;
    otherwise ``error`` (e.g. the deck's own error class) with a one-line reason that starts with ``where``."""
    if not isinstance(value, list) or len(value) > MAX_CLAIM_LINES or not all(isinstance(v, str) for v in value):
        raise error(f"{where} must be a list of at most {MAX_CLAIM_LINES} claim lines in quotes")
    try:
        return tuple(parse_expectation(line).text for line in value)
    except ClaimError as err:
        raise error(f"{where}: {err}") from None


@dataclass(frozen=True)
class ClaimRow:
    """A claim stated beside a card or a sweep preset: the line, and the settings it is about.

    ``settings`` are run settings (``playground.config.FIELDS`` names) laid over the card's or the
    preset's own: e.g. ``{"arch": "rnn"}`` for one of a comparison's runs.
    """

    expect: str
    settings: Mapping[str, object] = field(default_factory=dict)
