"""Property tests (Hypothesis) over uploaded CSV files: headers and values.

Every file ends in a one-line DataError, or in a table whose numeric columns read back the
numbers written (hostile header names do not change a value), with a note naming the row and
column of any cell in a column of numbers that is not a number. Each case costs under 2 s of
CPU time and 100 MB of extra memory (``hostile_measure``).
"""
import csv
import io

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from hostile_measure import within_bounds
from playground.errors import DataError
from playground.io import user_data as ud

HOSTILE_CELLS = ["", "abc", "\x00\x00", "4\x00", "²", "١٢", "１２", "1_000", "--3", "3..5", "0x10", "1e999", "nan",
                 "inf", "[x](http://evil.example)", "<img src=x>", "\"", "a,b", "\n", "9" * 400, ";", "\t"]
HEADER_NAMES = st.one_of(st.text(max_size=24), st.sampled_from(["", " ", "t", "temp", "\x00", "a,b", '"', "\n",
                                                                  "=cmd()", "x" * 300, "²", "[x](y)"]))
NUMBERS = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, width=32)


def csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    """A well-formed CSV (quoted where needed) of ``header`` and ``rows``.

    Lines end in CRLF so that the writer quotes a field holding a bare CR too (a bare CR ends a line
    for the reader, as for most CSV readers).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def outcome_of_upload(data: bytes):
    """read_table, then the series of its numeric columns: (frame, values, notes) or a DataError."""
    frame = ud.read_table(data)
    numeric = ud.numeric_columns(frame)[:8]
    values, notes = ud.series_values(frame, numeric) if numeric else (None, [])
    return frame, numeric, values, ud.table_notes(frame) + notes


def sound(data: bytes):
    """The upload's outcome: a one-line DataError, or a table whose notes are one line each; within the bounds."""
    outcome = within_bounds(lambda: outcome_of_upload(data), (tuple, DataError), DataError)
    if not isinstance(outcome, DataError):
        assert all("\n" not in note for note in outcome[3]), outcome[3]
    return outcome


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(HEADER_NAMES, min_size=1, max_size=6), data=st.data())
def test_numbers_read_back_whatever_the_header_says(header, data):
    assume(len(header) > 1 or header[0].strip(" \t\r\n"))   # a blank first line is skipped, as blank lines are
    rows = data.draw(st.lists(st.lists(NUMBERS, min_size=len(header), max_size=len(header)), min_size=25,
                              max_size=60))
    upload = csv_text(header, [[repr(v) for v in row] for row in rows])
    outcome = sound(upload)
    if isinstance(outcome, DataError):
        return                                  # e.g. two columns named alike, a header past its limit
    frame, numeric, values, _ = outcome
    assert len(frame) == len(rows) and numeric == list(frame.columns)[:8]
    written = np.array(rows, dtype=np.float64)[:, :len(numeric)]
    assert np.allclose(values, written, rtol=1e-6, atol=1e-6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.integers(25, 400), bad=st.sampled_from(HOSTILE_CELLS), data=st.data())
def test_a_malformed_cell_in_a_column_of_numbers_is_named(rows, bad, data):
    at = data.draw(st.integers(0, rows - 1))
    body = [[str(k), repr(float(np.sin(k))), str(k % 5)] for k in range(rows)]
    body[at][1] = bad
    upload = csv_text(["t", "value", "group"], body)
    outcome = sound(upload)
    assume(not isinstance(outcome, DataError))   # e.g. an overflowing 1e999 is refused with one line
    frame, numeric, values, notes = outcome
    read_as_text = not pd.api.types.is_numeric_dtype(frame["value"])
    if read_as_text:                              # one cell is not a number: the note names it
        assert "value" in numeric and any(f"column `value`, row {at + 1:,}" in n for n in notes), notes


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_end_in_a_table_or_one_line(data):
    sound(data)
