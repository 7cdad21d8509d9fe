"""A sweep's results as tables: one row per trial, and the "how far back can it remember" curve.

``results_frame`` flattens ``TrialResult``s (config fields, then the outcome) for the page's
table and the CSV download. ``memory_curve`` groups them by architecture and a task setting
(T by default): per group, the fraction of trials (seeds) that solved the task and the
median, lowest and highest final metric — what ``make_memory_figure`` draws.
"""
from __future__ import annotations

import pandas as pd

from playground.config import FIELDS
from playground.sweeps.grid import TrialResult, train_url

OUTCOME = ["metric", "baseline", "metric_name", "threshold", "solved", "steps_to_threshold",
           "seconds_to_threshold", "steps", "seconds", "diverged", "error"]
CURVE = ["arch", "x", "trials", "solved_fraction", "median", "low", "high"]


def results_frame(results: list[TrialResult]) -> pd.DataFrame:
    """One row per trial, in trial order: ``trial``, every config field, the outcome, and its /train URL."""
    columns = ["trial", *FIELDS, *OUTCOME, "url"]
    rows = []
    for result in sorted(results, key=lambda r: r.index):
        row = result.row()
        row["url"] = train_url(result.config)
        rows.append({k: row.get(k) for k in columns})
    return pd.DataFrame(rows, columns=columns)


def memory_curve(frame: pd.DataFrame, x: str = "seq_len") -> pd.DataFrame:
    """Per architecture and value of ``x``: trials, fraction solved, median/min/max final metric.

    Trials that failed with an error are left out; a diverged trial counts as not solved.
    """
    usable = frame[frame["error"].isna()] if len(frame) else frame
    if usable.empty:
        return pd.DataFrame(columns=CURVE)
    grouped = usable.groupby(["arch", x], sort=True)
    curve = pd.DataFrame({
        "trials": grouped.size(),
        "solved_fraction": grouped["solved"].mean().astype(float),
        "median": grouped["metric"].median(),
        "low": grouped["metric"].min(),
        "high": grouped["metric"].max(),
    }).reset_index().rename(columns={x: "x"})
    return curve[CURVE]
