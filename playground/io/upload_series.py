"""The numeric columns of an uploaded table as a series to forecast: checked, gaps filled, with notes.

    series_values(frame, ["temp"])   -> (values (N, 1) float64, notes on gaps filled)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from playground.errors import DataError
from playground.io.upload_limits import MAX_ABS_VALUE, MAX_SERIES_COLUMNS, MIN_SERIES_ROWS
from playground.io.upload_tables import as_numbers
from playground.markup import literal


def series_values(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, list[str]]:
    """The chosen numeric columns as a float array (N, C); gaps filled linearly, with notes."""
    if not columns:
        raise DataError("choose at least one numeric column")
    if len(columns) > MAX_SERIES_COLUMNS:
        raise DataError(f"{len(columns)} columns chosen; a series may use at most {MAX_SERIES_COLUMNS}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"no column named {literal(missing[0])} in the file")
    notes, arrays = [], []
    for name in columns:
        values = as_numbers(frame[name])
        _check_magnitude(name, values.to_numpy(dtype=np.float64, na_value=np.nan))
        bad = int(values.isna().sum())
        if bad == len(values):
            raise DataError(f"column {literal(name)} has no numbers (all cells are empty or text)")
        if bad:
            values = values.interpolate(limit_direction="both")
            notes.append(f"column {literal(name)}: {bad} empty or non-numeric cell{'s' if bad > 1 else ''} "
                         "filled by linear interpolation")
        array = values.to_numpy(dtype=np.float64)
        if float(values.std()) == 0.0:
            notes.append(f"column {literal(name)} is constant: there is nothing to predict in it")
        elif np.ptp(array.astype(np.float32)) == 0.0:
            notes.append(f"column {literal(name)} varies too little for its size to show in float32 (training's "
                         "precision, about 7 digits): subtract a constant from it first")
        elif _is_counter(array):
            notes.append(f"column {literal(name)} only counts rows (it rises by the same step every row): there is "
                         "nothing to forecast in it; choose a column of measurements")
        arrays.append(array)
    values = np.stack(arrays, axis=1)                                     # (N, C)
    if len(values) < MIN_SERIES_ROWS:
        raise DataError(f"the series has {len(values)} rows; it needs at least {MIN_SERIES_ROWS}")
    return values, notes


def _check_magnitude(name: str, values: np.ndarray) -> None:
    """DataError for infinite cells or numbers beyond ±MAX_ABS_VALUE (float32 would overflow)."""
    infinite = int(np.isinf(values).sum())
    if infinite:
        raise DataError(f"column {literal(name)} has {infinite:,} infinite value{'s' if infinite > 1 else ''} (inf, or "
                        f"beyond ±1.8e308); numbers must stay within ±{MAX_ABS_VALUE:.0e}")
    finite = values[np.isfinite(values)]
    largest = float(np.abs(finite).max()) if finite.size else 0.0
    if largest > MAX_ABS_VALUE:
        beyond = " (beyond float32's ±3.4e38)" if largest > float(np.finfo(np.float32).max) else ""
        raise DataError(f"column {literal(name)} has numbers as large as {largest:.3g}{beyond}; training runs in "
                        f"float32 and needs them within ±{MAX_ABS_VALUE:.0e}: rescale the column (change its unit)")


def _is_counter(values: np.ndarray) -> bool:
    """True for a row counter: strictly increasing by one fixed step."""
    diffs = np.diff(values)
    return bool(len(diffs) and np.all(diffs > 0) and np.allclose(diffs, diffs[0]))


def default_series_columns(frame: pd.DataFrame, numeric: list[str]) -> list[str]:
    """The first numeric column that is not a row counter (strictly increasing by a fixed step).

    When every numeric column is a counter the first is returned; ``series_values`` notes it.
    """
    for name in numeric:
        if not _is_counter(as_numbers(frame[name]).to_numpy(dtype=float)):
            return [name]
    return numeric[:1]
