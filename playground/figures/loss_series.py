"""The loss chart's points as plain lists, from a run's history columns: what a live redraw sends.

The static loss figure (``training.make_loss_figure``, exports) and the live loss chart draw the
same points: both take them from ``loss_points``. Three traces, in this order: the training loss
(in the metric's units), its smoothed curve, and the validation metric (with the run's latest
value at its step, so the chart's last diamond is the tile's number).

A live chart is redrawn several times a second, so the points are built without pandas or plotly
(a few hundred microseconds for the longest history), and they come with an ``epoch``: while it
stays the same, each trace is the one before with points appended (only each trace's last point
may differ, which is where the thinned curve keeps the newest row). ``tail`` then gives what a
redraw needs to send. The epoch changes when the history's older half is merged (its first step
moves) or the thinning stride changes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from playground.engine.run_summary import RunSummary, loss_in_metric_units

MAX_POINTS = 1500          # at most this many points per trace are drawn (every k-th row, the last kept)
FULL_EVERY = 150           # redraws between two sends of every point (a safety net: about 30 s live)
TRACE_NAMES = ("raw", "smoothed", "validation")


def smooth(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """TensorBoard's debiased exponential moving average.

    y_t = sum_k weight^k x_(t-k) / sum_k weight^k, which is pandas' adjusted EWM.
    """
    return pd.Series(values, dtype=float).ewm(alpha=1 - weight, adjust=True).mean().to_numpy()


def thinned(count: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices of every k-th of ``count`` rows so that at most about ``limit`` are drawn, the last always kept."""
    if count <= limit:
        return np.arange(count)
    k = math.ceil(count / limit)
    index = np.arange(0, count, k)
    return index if index[-1] == count - 1 else np.append(index, count - 1)


@dataclass(frozen=True)
class LossPoints:
    """The loss chart's three traces as lists (``x[k]``, ``y[k]`` for trace k of ``TRACE_NAMES``)."""

    x: list[list[float]]
    y: list[list[float]]
    label: str                 # the training loss trace's name, with its unit
    epoch: str                 # same epoch: every trace extends the one before (its last point may change)

    def tail(self, start: list[int]) -> dict:
        """What a redraw sends: each trace's points from ``start[k]`` on, and the epoch."""
        start = [max(0, min(s, len(xs))) for s, xs in zip(start, self.x)]
        return {"epoch": self.epoch, "start": start, "x": [xs[s:] for s, xs in zip(start, self.x)],
                "y": [ys[s:] for s, ys in zip(start, self.y)]}

    def lengths(self) -> list[int]:
        """How many points each trace has."""
        return [len(xs) for xs in self.x]


def _finite(values) -> np.ndarray:
    return np.asarray(values, dtype=float)


def loss_points(columns: dict, metric_name: str, step: int | None = None, last_val: float | None = None,
                limit: int = MAX_POINTS) -> LossPoints:
    """The chart's points from history ``columns`` (``step``, ``loss``, ``val_metric`` arrays).

    ``last_val`` measured at ``step`` (the run's latest validation) is added as the last validation
    point when the history has no value at that step yet (``run_summary.with_latest_validation``).
    """
    steps = _finite(columns.get("step", ()))
    loss = _finite(columns.get("loss", np.full(len(steps), np.nan)))
    vals = _finite(columns.get("val_metric", np.full(len(steps), np.nan)))
    has_loss = np.isfinite(loss)
    loss_steps, loss_values = steps[has_loss], loss[has_loss]
    shown, label = loss_in_metric_units(loss_values, metric_name)
    index = thinned(len(loss_steps), limit)
    line_x = loss_steps[index].tolist()
    raw_y, smooth_y = shown[index].tolist(), smooth(shown)[index].tolist() if len(shown) else []
    has_val = np.isfinite(vals)
    val_x, val_y = steps[has_val].tolist(), vals[has_val].tolist()
    if last_val is not None and math.isfinite(last_val) and step is not None and len(steps):
        if int(steps[-1]) == step:
            if val_x and val_x[-1] == step:
                val_y[-1] = float(last_val)
            else:
                val_x.append(float(step))
                val_y.append(float(last_val))
        elif steps[-1] < step:
            val_x.append(float(step))
            val_y.append(float(last_val))
    stride = math.ceil(len(loss_steps) / limit) if len(loss_steps) > limit else 1
    first = int(steps[0]) if len(steps) else 0
    return LossPoints([line_x, line_x, val_x], [raw_y, smooth_y, val_y], label, f"{first}:{stride}")


def summary_of(points: LossPoints, metric_name: str, baseline: float, higher_is_better: bool) -> RunSummary:
    """The ``RunSummary`` the chart's points say: the last training loss and the last validation value
    are the last points of their traces (``run_summary.summarize`` reads the same from a history table)."""
    loss_x, loss_y = points.x[0], points.y[0]
    val_x, val_y = points.x[2], points.y[2]
    if not loss_x:
        return RunSummary(metric_name, float(baseline), higher_is_better, loss_label=points.label)
    return RunSummary(metric_name, float(baseline), higher_is_better, step=int(loss_x[-1]), loss=float(loss_y[-1]),
                      loss_label=points.label, val=float(val_y[-1]) if val_y else None,
                      val_step=int(val_x[-1]) if val_x else None)


def joined(parts: list[LossPoints]) -> LossPoints:
    """Several runs' points as one chart's: their traces one after another, one epoch for all."""
    return LossPoints([xs for p in parts for xs in p.x], [ys for p in parts for ys in p.y],
                      parts[0].label if parts else "", "|".join(p.epoch for p in parts))


def redraw_payload(sent: dict | None, spec_key, points: LossPoints, full: bool) -> tuple[dict, dict]:
    """(what a live chart's redraw sends besides its spec, the record of it to pass to the next redraw).

    The payload holds ``points.tail(start)``. Every point goes (``start`` all 0) on a
    ``full`` page run, for a chart with no record ``sent``, when ``spec_key`` or the epoch changed,
    and every ``FULL_EVERY`` redraws; otherwise each trace starts one point before the shorter of
    its lengths on the last two redraws (its last point may have changed; a browser that drew only
    every other redraw still has every point before it).
    """
    lengths = points.lengths()
    again = (full or sent is None or sent["spec_key"] != spec_key or sent["epoch"] != points.epoch
             or sent["count"] % FULL_EVERY == FULL_EVERY - 1)
    if again:
        start, count = [0] * len(lengths), 0
    else:
        start, count = [max(0, min(a, b) - 1) for a, b in zip(sent["lengths"], sent["before"])], sent["count"] + 1
    record = {"spec_key": spec_key, "epoch": points.epoch, "lengths": lengths,
              "before": lengths if again else sent["lengths"], "count": count, "spec": (sent or {}).get("spec")}
    return {"series": points.tail(start)}, record
