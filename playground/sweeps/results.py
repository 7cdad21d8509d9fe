"""A sweep's results as tables: one row per trial, and the "how far back can it remember" curve.

``results_frame`` flattens ``TrialResult``s (config fields, then the outcome) for the page's
table and the CSV download; ``shown_table`` is that table as the page shows it (a missing
value blank) and ``url_query`` a trial's /train link as query parameters. ``memory_curve``
groups them by architecture and a task setting (T by default): per group, the fraction of
trials (seeds) that solved the task and the median, lowest and highest final metric — what
``make_memory_figure`` draws.
"""
from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from playground.config import FIELDS
from playground.engine.run_summary import shown
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


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def shown_table(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, set[str]]:
    """``columns`` of ``frame`` for the page's table, and the names of those turned into text.

    A column with a missing value (a trial that never solved has no steps to solve, one that
    ran has no error) is written as text with its missing cells blank, numbers as ``shown``
    writes them; a table cell never reads "None". Complete columns stay as they are (numbers
    sort as numbers).
    """
    table = frame[columns].copy()
    as_text = set()
    for name in columns:
        if table[name].isna().any():
            as_text.add(name)
            table[name] = ["" if _missing(v) else shown(v) if isinstance(v, float) else str(v) for v in table[name]]
    return table, as_text


def url_query(url: str) -> dict[str, str]:
    """The query parameters of a trial's relative /train URL (``train_url``)."""
    return dict(parse_qsl(urlsplit(url).query))
