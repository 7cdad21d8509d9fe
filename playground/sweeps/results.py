"""A sweep's results as tables: one row per trial, and the "how far back can it remember" curve.

``results_frame`` flattens ``TrialResult``s (config fields, then the outcome) for the page's
table and the CSV download; ``shown_table`` is that table as the page shows it (a missing
value blank) and ``url_query`` a trial's /train link as query parameters. ``memory_curve``
groups them into lines (one per value of the ``series`` fields: the architecture by default)
over a setting on the x axis (T by default): per point, the fraction of trials (seeds) that
solved the task, the median steps those that solved took, and the median, lowest and highest
final metric — what ``make_memory_figure`` draws.
"""
from __future__ import annotations

import math
from urllib.parse import parse_qsl, urlsplit

import pandas as pd

from models.architectures import architecture
from playground.config import FIELDS
from playground.engine.run_summary import shown
from playground.sweeps.grid import TrialResult, train_url

OUTCOME = ["metric", "baseline", "metric_name", "threshold", "solved", "steps_to_threshold",
           "seconds_to_threshold", "steps", "seconds", "diverged", "error"]
CURVE = ["series", "arch", "x", "trials", "solved_fraction", "diverged_fraction", "steps_to_solve", "median", "low",
         "high"]


def results_frame(results: list[TrialResult]) -> pd.DataFrame:
    """One row per trial, in trial order: ``trial``, every config field, the outcome, and its /train URL."""
    columns = ["trial", *FIELDS, *OUTCOME, "url"]
    rows = []
    for result in sorted(results, key=lambda r: r.index):
        row = result.row()
        row["url"] = train_url(result.config)
        rows.append({k: row.get(k) for k in columns})
    return pd.DataFrame(rows, columns=columns)


def series_fields(varied: list[str], x: str) -> list[str]:
    """The fields whose values make a chart's lines: every varied one but the x axis and the seed (else arch)."""
    return [name for name in varied if name not in (x, "seed")] or ["arch"]


def series_label(values: dict) -> str:
    """A line's name: the architecture's label, then the other fields as name=value."""
    parts = [architecture(values["arch"]).label] if "arch" in values else []
    return " · ".join(parts + [f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                               for k, v in values.items() if k != "arch"])


def memory_curve(frame: pd.DataFrame, x: str = "seq_len", series: list[str] | tuple[str, ...] = ("arch",)) -> pd.DataFrame:
    """Per line (a value of the ``series`` fields) and value of ``x``: trials, fraction solved, median steps
    to solve (among the trials that solved; NaN when none did), fraction diverged, median/min/max final metric.

    Trials that failed with an error are left out; a diverged trial counts as not solved. ``arch`` is
    the line's architecture when every trial of it has the same one (its colour), else None.
    """
    usable = frame[frame["error"].isna()] if len(frame) else frame
    if usable.empty:
        return pd.DataFrame(columns=CURVE)
    keys = list(dict.fromkeys([*series, x]))
    rows = []
    for key, group in usable.groupby(keys, sort=True):
        values = dict(zip(keys, key if isinstance(key, tuple) else (key,)))
        solved = group[group["solved"].astype(bool)]
        archs = set(group["arch"])
        rows.append({"series": series_label({k: values[k] for k in series}),
                     "arch": archs.pop() if len(archs) == 1 else None, "x": values[x], "trials": len(group),
                     "solved_fraction": float(group["solved"].astype(bool).mean()),
                     "diverged_fraction": float(group["diverged"].astype(bool).mean()),
                     "steps_to_solve": float(solved["steps_to_threshold"].median()) if len(solved) else float("nan"),
                     "median": group["metric"].median(), "low": group["metric"].min(),
                     "high": group["metric"].max()})
    return pd.DataFrame(rows, columns=CURVE)


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
