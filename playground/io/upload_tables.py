"""CSV bytes -> a checked pandas table, and which of its columns hold numbers or text.

    read_table(b"t,temp\\n1,3.5\\n2,4.1\\n3,3.9\\n")  -> DataFrame, 3 rows x 2 columns

Cheap bounded checks (delimiter, header) run before pandas parses the file; a table past a
limit, ragged or unparsable is a DataError with one plain line.
"""
from __future__ import annotations

import csv
import io
import re
import warnings

import numpy as np
import pandas as pd

from playground.errors import DataError
from playground.io.upload_limits import MAX_COLUMNS, MAX_HEADER_CHARS, MAX_ROWS
from playground.io.upload_text import count_outside_quotes, decode_text, sniff_delimiter
from playground.markup import literal


def _check_header(text: str, sep: str) -> int:
    """Bounded checks of the first line before pandas sees the file; returns its field count."""
    start = _LEADING_BLANK.match(text).end()          # pandas skips blank lines before the header too
    end = text.find("\n", start, start + MAX_HEADER_CHARS + 2)
    header = text[start:end if end >= 0 else start + MAX_HEADER_CHARS + 2].rstrip("\r")
    if len(header) > MAX_HEADER_CHARS:
        raise DataError(f"the CSV file's first line (its column names) is longer than {MAX_HEADER_CHARS:,} "
                        "characters, the limit")
    fields = count_outside_quotes(header, sep) + 1
    if fields > MAX_COLUMNS:
        raise DataError(f"the CSV file has {fields:,} columns; the limit is {MAX_COLUMNS}")
    return fields


_LEADING_BLANK = re.compile(r"(?:[ \t\r]*\n)*")
_RAGGED = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?\s*$")   # 3,5  12  1.234,5


def _parse_error(err: Exception) -> DataError:
    """A pandas parser error as one plain line (a ragged row says which line and how many values)."""
    text = str(err).strip()
    ragged = _RAGGED.search(text)
    if ragged:
        names, line, seen = ragged.groups()
        return DataError(f"the CSV file cannot be parsed: it is ragged (line {line} has {int(seen):,} values but "
                         f"the header has {names} name{'s' if names != '1' else ''}; every row needs one value "
                         "per column)")
    reason = text.splitlines()[0][:160] if text else "unreadable"
    return DataError(f"the CSV file cannot be parsed ({reason})")


def _comma_numbers(column: pd.Series) -> pd.Series:
    """Cells written with decimal commas (and '.' between thousands) as floats; NaN where not numbers."""
    text = column.astype(str).str.strip()
    grouped = text.str.contains(r"\.\d{3}(?:,|$)", regex=True)
    text = text.where(~grouped, text.str.replace(".", "", regex=False))
    return pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")


def _text_columns(frame: pd.DataFrame):
    """(name, column, its filled cells) of each column pandas did not read as numbers or booleans."""
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        yield name, column, column.dropna()


def _decimal_commas(frame: pd.DataFrame, sep: str) -> list[str]:
    """Read text columns written with decimal commas ('3,5') as numbers; one note per column.

    In a file not separated by commas they are converted; in a comma-separated file (quoted
    '3,5' or thousands '1,234'?) they are left as text, with a note, never silently.
    """
    notes = []
    for name, column, filled in _text_columns(frame):
        sample = filled.head(20).astype(str)
        if sample.empty or not sample.str.match(_DECIMAL_COMMA).all() or not sample.str.contains(",").any():
            continue
        if sep == ",":
            notes.append(f"column {literal(name)} holds numbers written with decimal commas; it is not read as "
                         "numbers (save the file with decimal points, or separate it with semicolons)")
            continue
        numbers = _comma_numbers(filled)
        if numbers.notna().mean() >= 0.9:
            frame[name] = _comma_numbers(column)
            notes.append(f"column {literal(name)}: decimal commas read as decimal points")
    return notes


def read_table(data: bytes) -> pd.DataFrame:
    """Parse CSV bytes into a DataFrame; DataError for empty, ragged or oversized tables.

    Cheap bounded checks run before pandas (delimiter from a small sample, header length and
    field count); notes on what was read differently (decimal commas, a column of numbers
    with cells that are not numbers) are in ``frame.attrs["notes"]``.
    """
    text = decode_text(data, "CSV file")
    sep = sniff_delimiter(text)
    names = _check_header(text, sep)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", sep=sep, nrows=MAX_ROWS + 1,
                                skipinitialspace=True, index_col=False, engine="c")   # bytes: no 4-byte-per-char copy
    except pd.errors.EmptyDataError:
        raise DataError("the CSV file has no columns") from None
    except pd.errors.ParserWarning:
        raise DataError(f"the CSV file cannot be parsed: it is ragged (its rows have more values than the header "
                        f"has names ({names}); every row needs one value per column)") from None
    except (pd.errors.ParserError, ValueError, csv.Error, OverflowError) as err:
        raise _parse_error(err) from None
    if frame.shape[1] > MAX_COLUMNS:
        raise DataError(f"the CSV file has {frame.shape[1]} columns; the limit is {MAX_COLUMNS}")
    if len(frame) > MAX_ROWS:
        raise DataError(f"the CSV file has more than {MAX_ROWS:,} rows; the limit is {MAX_ROWS:,} "
                        "(keep the most recent part)")
    if len(frame) == 0:
        raise DataError("the CSV file has a header but no rows")
    if len(frame) == 1:
        raise DataError("the CSV file has a single row; a sequence needs many")
    frame.columns = [str(c).strip() or f"column {k + 1}" for k, c in enumerate(frame.columns)]
    if len(set(frame.columns)) != len(frame.columns):
        raise DataError("the CSV file has two columns with the same name")
    frame.attrs["notes"] = _decimal_commas(frame, sep)
    frame.attrs["notes"] += _malformed_numbers(frame)
    return frame


SAMPLE_CELLS = 20              # cells of a text column read to tell numbers written as text


def _malformed_numbers(frame: pd.DataFrame, min_fraction: float = 0.9) -> list[str]:
    """One note per column of numbers that pandas read as text because some cells are not numbers.

    The note names the first such cell's row (counted from 1 after the header) and column, and
    how many there are: those cells are gaps when the column is used as numbers. Only columns
    whose first filled cells are mostly numbers are parsed in full (text columns cost little).
    """
    notes = []
    for name, column, filled in _text_columns(frame):
        if filled.empty or as_numbers(filled.head(SAMPLE_CELLS)).notna().mean() < min_fraction:
            continue
        numbers = as_numbers(filled)
        bad = numbers.isna()
        if not bad.any() or numbers.notna().mean() < min_fraction:
            continue
        row = frame.index.get_loc(bad.idxmax()) + 1
        more = int(bad.sum()) - 1
        notes.append(f"column {literal(name)}, row {row:,} (counted after the header): "
                     f"{literal(filled[bad].iloc[0], 20)} is not a number"
                     + (f" ({more:,} more such cell{'s' if more > 1 else ''})" if more else "")
                     + "; such cells are read as gaps")
    return notes


def table_notes(frame: pd.DataFrame) -> list[str]:
    """The notes ``read_table`` left on the frame (decimal commas, ...)."""
    return list(frame.attrs.get("notes", []))


def as_numbers(column: pd.Series) -> pd.Series:
    """The column as floats (NaN where a cell is not a number)."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(float)
    if pd.api.types.is_numeric_dtype(column):
        return column.astype(float)
    return pd.to_numeric(column.astype(str).str.strip(), errors="coerce")


def numeric_columns(frame: pd.DataFrame, min_fraction: float = 0.9) -> list[str]:
    """Columns where at least ``min_fraction`` of the non-empty cells are finite numbers."""
    names = []
    for name in frame.columns:
        column = frame[name]
        filled = column.notna().sum()
        if filled == 0:
            continue
        numbers = as_numbers(column)
        if np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan)).sum() >= min_fraction * filled:
            names.append(name)
    return names


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold text (not mostly numbers): candidates for the text of a labelled CSV."""
    numeric = set(numeric_columns(frame))
    return [c for c in frame.columns if c not in numeric] or list(frame.columns)
