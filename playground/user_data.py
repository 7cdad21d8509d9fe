"""Reading a user's own data: bytes -> text -> table or corpus, checked, with plain reasons.

Everything an upload can get wrong ends as a DataError whose message says what was
wrong and what to do, so the page can show it and keep the session's run untouched:

    decode_text(b"a,b\\n1,2\\n")      -> "a,b\\n1,2\\n"   (UTF-8, with or without a BOM)
    decode_text(b"\\x89PNG\\x00...")   -> DataError: looks like a binary file
    read_table(b"t,temp\\n1,3.5\\n2,4.1\\n3,3.9\\n")  -> DataFrame, 3 rows x 2 columns
    series_values(frame, ["temp"])   -> (values (N, 1) float64, notes on gaps filled)

No streamlit here: the /data page draws widgets and calls these.
"""
from __future__ import annotations

import csv
import io
from dataclasses import replace

import numpy as np
import pandas as pd

from playground.config import CUSTOM_TASK, MAX_SEQ_LEN
from playground.errors import DataError
from playground.tasks.base import Task
from playground.tasks.chartext import TRAIN_FRACTION as TEXT_TRAIN_FRACTION, CharTextTask
from playground.tasks.series import TRAIN_FRACTION as SERIES_TRAIN_FRACTION, SeriesTask
from playground.tasks.textclass import MIN_ROWS, VAL_FRACTION as LABEL_VAL_FRACTION, TextClassTask, tokenize

MAX_BYTES = 10 * 1024 * 1024     # also .streamlit/config.toml server.maxUploadSize (MB)
MAX_ROWS = 100_000               # rows of a CSV
MAX_COLUMNS = 50                 # columns of a CSV
MAX_SERIES_COLUMNS = 8           # columns a series may use at once (input features)
MIN_SERIES_ROWS = 20             # shorter series cannot fill a training and a validation window
MAX_TEXT_CHARS = 2_000_000       # characters of a plain-text corpus
MIN_TEXT_CHARS = 200             # the corpus must fill a few windows of the sequence length
MAX_VOCAB = 256                  # distinct characters of a corpus
MAX_LABELLED_ROWS = 50_000       # labelled texts
MAX_LABEL_TEXT_CHARS = 2_000     # one labelled text (longer ones are cut with a note)
MAX_CLASSES = 20                 # distinct labels
MIN_PER_CLASS = 2                # examples per label

LIMITS_MD = (
    f"- files up to **{MAX_BYTES // 2**20} MB**, UTF-8 text (CSV or plain text)\n"
    f"- CSV: at most **{MAX_ROWS:,} rows** and **{MAX_COLUMNS} columns**; a series uses up to "
    f"**{MAX_SERIES_COLUMNS} numeric columns** and needs at least **{MIN_SERIES_ROWS} rows**\n"
    f"- plain text: **{MIN_TEXT_CHARS:,}–{MAX_TEXT_CHARS:,} characters**, at most "
    f"**{MAX_VOCAB} distinct characters**\n"
    f"- labelled texts: **{MIN_ROWS}–{MAX_LABELLED_ROWS:,} rows**, **2–{MAX_CLASSES} labels** with "
    f"**{MIN_PER_CLASS}+ examples** each; texts longer than {MAX_LABEL_TEXT_CHARS:,} characters are cut\n"
    "- the sequence length T (up to 400) must fit in the data: a window of T + 1 points in both "
    "the training and the validation part"
)


def decode_text(data: bytes, what: str = "file") -> str:
    """UTF-8 text of ``data`` (a BOM is dropped); DataError for empty, binary or non-UTF-8 bytes."""
    if data is None or len(data) == 0:
        raise DataError(f"the {what} is empty")
    if len(data) > MAX_BYTES:
        raise DataError(f"the {what} is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(f"the {what} is UTF-16 text; save it as UTF-8 and upload it again")
    if b"\x00" in data[:65536]:
        raise DataError(f"the {what} looks like a binary file (it contains NUL bytes), not text or CSV")
    try:
        text = data.decode("utf-8-sig")          # plain UTF-8 too; a leading BOM is dropped
    except UnicodeDecodeError as err:
        raise DataError(f"the {what} is not UTF-8 text (byte {err.start} cannot be read); "
                        "save it as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet) and upload it again") from None
    if not text.strip():
        raise DataError(f"the {what} contains only whitespace")
    return text


def _delimiter(text: str) -> str:
    """The CSV delimiter, sniffed from the first lines (',' when unsure)."""
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def read_table(data: bytes) -> pd.DataFrame:
    """Parse CSV bytes into a DataFrame; DataError for empty, ragged or oversized tables."""
    text = decode_text(data, "CSV file")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=_delimiter(text), nrows=MAX_ROWS + 1,
                            skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError("the CSV file has no columns") from None
    except (pd.errors.ParserError, ValueError, csv.Error) as err:
        reason = str(err).strip().splitlines()[0][:160] if str(err).strip() else "unreadable"
        raise DataError(f"the CSV file cannot be parsed ({reason})") from None
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
    return frame


def _as_numbers(column: pd.Series) -> pd.Series:
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
        numbers = _as_numbers(column)
        if np.isfinite(numbers.to_numpy(dtype=float, na_value=np.nan)).sum() >= min_fraction * filled:
            names.append(name)
    return names


def series_values(frame: pd.DataFrame, columns: list[str]) -> tuple[np.ndarray, list[str]]:
    """The chosen numeric columns as a float array (N, C); gaps filled linearly, with notes."""
    if not columns:
        raise DataError("choose at least one numeric column")
    if len(columns) > MAX_SERIES_COLUMNS:
        raise DataError(f"{len(columns)} columns chosen; a series may use at most {MAX_SERIES_COLUMNS}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(f"no column named {missing[0]!r} in the file")
    notes, arrays = [], []
    for name in columns:
        values = _as_numbers(frame[name]).replace([np.inf, -np.inf], np.nan)
        bad = int(values.isna().sum())
        if bad == len(values):
            raise DataError(f"column {name!r} has no numbers (all cells are empty or text)")
        if bad:
            values = values.interpolate(limit_direction="both")
            notes.append(f"column {name!r}: {bad} empty or non-numeric cell{'s' if bad > 1 else ''} "
                         "filled by linear interpolation")
        if float(values.std()) == 0.0:
            notes.append(f"column {name!r} is constant: there is nothing to predict in it")
        arrays.append(values.to_numpy(dtype=np.float64))
    values = np.stack(arrays, axis=1)                                     # (N, C)
    if len(values) < MIN_SERIES_ROWS:
        raise DataError(f"the series has {len(values)} rows; it needs at least {MIN_SERIES_ROWS}")
    return values, notes


def corpus_text(data: bytes) -> tuple[str, list[str]]:
    """A plain-text corpus for the character model, with notes (cut to the limit, line endings)."""
    text = decode_text(data, "text file")
    notes = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"the text was cut to its first {MAX_TEXT_CHARS:,} characters")
    if len(text) < MIN_TEXT_CHARS:
        raise DataError(f"the text has {len(text)} characters; a character model needs at least "
                        f"{MIN_TEXT_CHARS}")
    vocab = len(set(text))
    if vocab > MAX_VOCAB:
        raise DataError(f"the text uses {vocab} distinct characters; the limit is {MAX_VOCAB} "
                        "(is it in a script with thousands of characters?)")
    if vocab < 2:
        raise DataError("the text repeats a single character: there is nothing to learn")
    return text, notes


def text_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that hold text (not mostly numbers): candidates for the text of a labelled CSV."""
    numeric = set(numeric_columns(frame))
    return [c for c in frame.columns if c not in numeric] or list(frame.columns)


def labelled_texts(frame: pd.DataFrame, text_col: str, label_col: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows (text, label) with usable text and label; DataError when classes are unusable."""
    if text_col not in frame.columns or label_col not in frame.columns:
        raise DataError("choose a text column and a label column from the file")
    if text_col == label_col:
        raise DataError("the text column and the label column must differ")
    if len(frame) > MAX_LABELLED_ROWS:
        raise DataError(f"{len(frame):,} labelled texts; the limit is {MAX_LABELLED_ROWS:,}")
    data = pd.DataFrame({"text": frame[text_col], "label": frame[label_col]}).dropna()
    data["text"] = data["text"].astype(str).str.strip()
    data["label"] = data["label"].astype(str).str.strip()
    data = data[(data["text"] != "") & (data["label"] != "")]
    notes = []
    dropped = len(frame) - len(data)
    if dropped:
        notes.append(f"{dropped} row{'s' if dropped > 1 else ''} with an empty text or label dropped")
    if data.empty:
        raise DataError(f"column {text_col!r} or {label_col!r} is empty in every row")
    long = data["text"].str.len() > MAX_LABEL_TEXT_CHARS
    if long.any():
        data.loc[long, "text"] = data.loc[long, "text"].str.slice(0, MAX_LABEL_TEXT_CHARS)
        notes.append(f"{int(long.sum())} text(s) cut to {MAX_LABEL_TEXT_CHARS:,} characters")
    counts = data["label"].value_counts()
    if len(counts) < 2:
        raise DataError(f"column {label_col!r} has a single label ({counts.index[0]!r}); "
                        "a classifier needs at least two")
    if len(counts) > MAX_CLASSES:
        raise DataError(f"column {label_col!r} has {len(counts)} distinct labels; the limit is {MAX_CLASSES} "
                        "(is it really the label column?)")
    rare = counts[counts < MIN_PER_CLASS]
    if len(rare):
        raise DataError(f"label {rare.index[0]!r} has only {int(rare.iloc[0])} example; every label needs "
                        f"at least {MIN_PER_CLASS}")
    return data.reset_index(drop=True), notes


def with_seq_len(task: Task, seq_len: int) -> Task:
    """The same uploaded task rebuilt for another sequence length (DataError when it no longer fits)."""
    if task.seq_len == seq_len:
        return task
    new = replace(task, seq_len=seq_len)        # re-runs __post_init__ on the same data
    new.name, new.title = task.name, task.title
    return new


def series_task(values: np.ndarray, title: str, seq_len: int) -> SeriesTask:
    """The forecasting task of an uploaded series (task name 'custom')."""
    return SeriesTask.from_array(values, name=CUSTOM_TASK, title=title, seq_len=seq_len)


def text_task(text: str, title: str, seq_len: int) -> CharTextTask:
    """The character language model of an uploaded text (task name 'custom')."""
    return CharTextTask.from_text(text, name=CUSTOM_TASK, title=title, seq_len=seq_len)


def label_task(rows: pd.DataFrame, title: str, seq_len: int) -> TextClassTask:
    """The classifier of uploaded labelled texts, rows from ``labelled_texts`` (task name 'custom')."""
    return TextClassTask.from_frame(rows, "text", "label", name=CUSTOM_TASK, title=title, seq_len=seq_len)


def token_lengths(rows: pd.DataFrame) -> np.ndarray:
    """Words per labelled text, as the classifier tokenises them (to suggest a sequence length)."""
    return np.array([len(tokenize(t)) for t in rows["text"]])


def max_seq_len(n: int, train_fraction: float) -> int:
    """Longest T whose window of T + 1 fits both parts of ``n`` points split at ``train_fraction``."""
    n_train = int(n * train_fraction)
    return max(0, min(MAX_SEQ_LEN, n_train - 1, n - n_train - 1))


def suggested_label_seq_len(rows: pd.DataFrame) -> int:
    """A sequence length that holds 90% of the labelled texts whole (2 to 400 words)."""
    lengths = token_lengths(rows)
    return int(np.clip(np.percentile(lengths, 90) if len(lengths) else 20, 2, MAX_SEQ_LEN))


def safe_name(filename: str | None, default: str = "your data") -> str:
    """The upload's file name reduced to letters, digits, space, dot, dash and underscore (for titles)."""
    kept = "".join(ch for ch in str(filename or "") if ch.isalnum() or ch in " ._-")[:60].strip()
    return kept or default


def default_series_columns(frame: pd.DataFrame, numeric: list[str]) -> list[str]:
    """The first numeric column that is not a row counter (strictly increasing by a fixed step)."""
    for name in numeric:
        diffs = np.diff(_as_numbers(frame[name]).to_numpy(dtype=float))
        if not (len(diffs) and np.all(diffs > 0) and np.allclose(diffs, diffs[0])):
            return [name]
    return numeric[:1]
