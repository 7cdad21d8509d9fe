"""The numbers a page shows about a run, computed once from its history frame.

A number that appears in two places (a metric tile and the chart caption, the validation
value and its baseline arrow, the training loss tile and the plotted loss) must be the same
number in the same unit. Every such place reads one ``RunSummary`` and writes its numbers
with ``shown`` — nothing recomputes or reformats them on its own:

    summary = summarize(history, "bits/char", baseline=4.2, higher_is_better=False)
    summary.loss        # the last training loss in bits/char (the loss chart's last raw point)
    summary.val         # the last validation value (the chart's last diamond)
    summary.better      # val beats the baseline in the metric's direction
    summary.perplexity  # 2^val for a per-character metric (bits/char), else None

No streamlit here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

DIGITS = 4            # significant digits of every shown metric value
BITS_PER_CHAR = "bits/char"   # the metric that has a perplexity beside it
SMALL = 1e-3          # below this, scientific notation: 0.0001234 needs a wider tile than 1.234e-4


def shown(value: float | None, digits: int = DIGITS) -> str:
    """A number as every tile, caption and chart label writes it: ``digits`` significant digits,
    or below 1e-3 scientific notation with one digit fewer and a short exponent (1.23e-4), so it
    fits a tile; '—' when there is none."""
    if value is None or not math.isfinite(value):
        return "—"
    if value != 0 and abs(value) < SMALL:          # the exponent takes room: one digit fewer
        mantissa, exponent = f"{value:.{max(digits - 2, 0)}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{value:.{digits}g}"


def shown_delta(delta: float | None, digits: int = 3) -> str:
    """A difference from the baseline, signed, written as ``shown`` writes numbers (3 digits: it is a badge)."""
    if delta is None or not math.isfinite(delta):
        return "—"
    return ("+" if delta >= 0 else "") + shown(delta, digits)


def perplexity(bits_per_char: float | None) -> float | None:
    """Perplexity of a cross-entropy in bits per character: 2^(bits/char) = e^(nats/char).

    The number of equally likely characters a model is, on average, choosing among: 1 is
    certain; a uniform guess over a vocabulary of V characters has perplexity V. None for None.
    """
    if bits_per_char is None or math.isnan(bits_per_char):
        return None
    try:
        return 2.0 ** bits_per_char
    except OverflowError:
        return math.inf


def loss_in_metric_units(loss: np.ndarray, metric_name: str) -> tuple[np.ndarray, str]:
    """Training loss in the metric's units where they agree (nats -> bits/char), and its label."""
    if metric_name == BITS_PER_CHAR:
        return np.asarray(loss, dtype=float) / math.log(2), "training loss (bits/char)"
    if metric_name == "MSE":
        return np.asarray(loss, dtype=float), "training loss (MSE)"
    return np.asarray(loss, dtype=float), "training loss (cross-entropy)"


@dataclass(frozen=True)
class RunSummary:
    """What the tiles, captions and charts of one run say, from its history frame."""

    metric_name: str             # "MSE", "accuracy", "bits/char"
    baseline: float              # the task's trivial baseline, in the metric's units
    higher_is_better: bool
    step: int | None = None      # the last recorded training step
    loss: float | None = None    # the last training loss, in ``loss_label``'s unit
    loss_label: str = "training loss"
    val: float | None = None     # the last validation value, in the metric's units
    val_step: int | None = None  # the step it was measured at

    @property
    def delta(self) -> float | None:
        """Validation minus baseline (None before the first validation)."""
        return None if self.val is None else self.val - self.baseline

    @property
    def perplexity(self) -> float | None:
        """The validation value as a perplexity, for a metric in bits/char (else None)."""
        return perplexity(self.val) if self.metric_name == BITS_PER_CHAR else None

    @property
    def baseline_perplexity(self) -> float | None:
        """The baseline as a perplexity, for a metric in bits/char (else None)."""
        return perplexity(self.baseline) if self.metric_name == BITS_PER_CHAR else None

    def perplexity_line(self) -> str:
        """The perplexities beside the bits/char tiles, one line ('' for another metric)."""
        if self.metric_name != BITS_PER_CHAR:
            return ""
        val = "—" if self.perplexity is None else shown(self.perplexity)
        return (f"Perplexity = 2^(bits/char): validation {val}, baseline {shown(self.baseline_perplexity)} "
                f"(as unsure as a fair choice among that many characters).")

    @property
    def better(self) -> bool | None:
        """True when the validation value beats the baseline in the metric's direction."""
        if self.val is None:
            return None
        return self.val > self.baseline if self.higher_is_better else self.val < self.baseline

    def caption(self) -> str:
        """One-line text alternative of the loss chart, in the same numbers as the tiles."""
        if self.step is None:
            return f"No training yet. Baseline {self.metric_name}: {shown(self.baseline)}."
        text = f"After {self.step} steps the {self.loss_label} is {shown(self.loss)}"
        if self.val is not None:
            text += (f"; validation {self.metric_name} {shown(self.val)}, "
                     f"{'better' if self.better else 'not better'} than the baseline {shown(self.baseline)}")
            if self.perplexity is not None:
                text += f"; perplexity {shown(self.perplexity)} (baseline {shown(self.baseline_perplexity)})"
        return text + "."


def with_latest_validation(history: pd.DataFrame, step: int, val: float | None) -> pd.DataFrame:
    """``history`` with the run's latest validation value (measured at ``step``) in it.

    A live run validates after each burst of steps but records a validation value in its
    history only every few steps; the page adds the latest one here, once, so the tile, the
    caption and the chart's last diamond all show it.
    """
    if val is None or not math.isfinite(val) or not len(history):
        return history
    frame = history.copy()
    steps = frame["step"].to_numpy()
    if steps[-1] == step:
        frame.loc[frame.index[-1], "val_metric"] = val
    elif steps[-1] < step:
        frame = pd.concat([frame, pd.DataFrame({"step": [step], "val_metric": [val]})], ignore_index=True)
    return frame


def summarize(history: pd.DataFrame, metric_name: str, baseline: float, higher_is_better: bool) -> RunSummary:
    """The run's last training loss (metric units) and last validation value, from ``history``."""
    base = RunSummary(metric_name, float(baseline), higher_is_better,
                      loss_label=loss_in_metric_units(np.zeros(0), metric_name)[1])
    frame = history.dropna(subset=["loss"]) if len(history) else history
    if not len(frame):
        return base
    loss, label = loss_in_metric_units(frame["loss"].to_numpy()[-1:], metric_name)
    val_step = val = None
    if "val_metric" in frame:
        vals = history.dropna(subset=["val_metric"])
        vals = vals[np.isfinite(vals["val_metric"].to_numpy(dtype=float))]
        if len(vals):
            val, val_step = float(vals["val_metric"].iloc[-1]), int(vals["step"].iloc[-1])
    return RunSummary(metric_name, float(baseline), higher_is_better, step=int(frame["step"].iloc[-1]),
                      loss=float(loss[0]), loss_label=label, val=val, val_step=val_step)
