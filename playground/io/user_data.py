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
import re
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from playground.config import CUSTOM_TASK, MAX_SEQ_LEN, clipped
from playground.errors import DataError
from playground.markup import literal  # noqa: F401  (the one way to echo user text; re-exported)
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
MAX_HEADER_CHARS = 10_000        # the first line of a CSV (its column names)
MAX_WORD_CELLS = 2_000_000       # labelled texts x words each, as the classifier pads them (int64: 16 MB)
MAX_ABS_VALUE = 1e15             # larger numbers overflow float32 when a series is standardised
SNIFF_LINES, SNIFF_CHARS = 20, 4096   # the delimiter is guessed from this much of the file
DELIMITERS = ",;\t|"
PEAK_MEMORY_MB = 200             # measured peak of the largest accepted upload (tests/playground/test_hostile_uploads.py)

LIMITS_MD = (
    f"- files up to **{MAX_BYTES // 2**20} MB**, UTF-8 text (CSV or plain text)\n"
    f"- CSV: at most **{MAX_ROWS:,} rows** and **{MAX_COLUMNS} columns**; a series uses up to "
    f"**{MAX_SERIES_COLUMNS} numeric columns** and needs at least **{MIN_SERIES_ROWS} rows**\n"
    f"- plain text: **{MIN_TEXT_CHARS:,}–{MAX_TEXT_CHARS:,} characters**, at most "
    f"**{MAX_VOCAB} distinct characters**\n"
    f"- labelled texts: **{MIN_ROWS}–{MAX_LABELLED_ROWS:,} rows**, **2–{MAX_CLASSES} labels** with "
    f"**{MIN_PER_CLASS}+ examples** each; texts longer than {MAX_LABEL_TEXT_CHARS:,} characters are cut, "
    f"and each text keeps at most its last {MAX_SEQ_LEN} words (fewer when there are many rows: "
    f"rows × words stays under {MAX_WORD_CELLS:,}), with a note\n"
    f"- numbers within **±{MAX_ABS_VALUE:.0e}** (training runs in float32); a first line (header) of at most "
    f"{MAX_HEADER_CHARS:,} characters; every row with no more values than the header has names\n"
    "- the sequence length T (up to 400) must fit in the data: a window of T + 1 points in both "
    "the training and the validation part\n"
    f"- the largest accepted upload needs up to about **{PEAK_MEMORY_MB} MB** of server memory while its "
    "task is built; a file past a limit is refused (or cut, where said) with a message, and the "
    "session's run is kept"
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


def _count_outside_quotes(line: str, sep: str) -> int:
    """How many times ``sep`` separates fields of one CSV line (linear; quoted text does not count)."""
    if '"' not in line:
        return line.count(sep)
    return sum(part.count(sep) for part in line.split('"')[::2])


def _first_lines(text: str, count: int, width: int) -> list[str]:
    """Up to ``count`` first lines of ``text``, each clipped to ``width`` characters (bounded work)."""
    lines, start = [], 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start, start + width + 1)
        stop = end if end >= 0 else min(len(text), start + width)
        lines.append(text[start:stop].rstrip("\r"))
        if end < 0:
            next_newline = text.find("\n", stop)
            if next_newline < 0:
                break
            end = next_newline
        start = end + 1
    return lines


def _delimiter(text: str) -> str:
    """The CSV delimiter: the candidate that splits the header into most fields (',' when none does).

    Counting is linear in a bounded sample (``SNIFF_LINES`` lines of ``SNIFF_CHARS`` characters);
    csv.Sniffer is not used: its regular expression is quadratic on some lines.
    """
    lines = [line for line in _first_lines(text, SNIFF_LINES, SNIFF_CHARS) if line.strip()]
    for line in lines[:2]:                      # the header, else the first data line
        counts = {sep: _count_outside_quotes(line, sep) for sep in DELIMITERS}
        best = max(DELIMITERS, key=lambda sep: counts[sep])
        if counts[best]:
            return best
    return ","


def _check_header(text: str, sep: str) -> int:
    """Bounded checks of the first line before pandas sees the file; returns its field count."""
    start = _LEADING_BLANK.match(text).end()          # pandas skips blank lines before the header too
    end = text.find("\n", start, start + MAX_HEADER_CHARS + 2)
    header = text[start:end if end >= 0 else start + MAX_HEADER_CHARS + 2].rstrip("\r")
    if len(header) > MAX_HEADER_CHARS:
        raise DataError(f"the CSV file's first line (its column names) is longer than {MAX_HEADER_CHARS:,} "
                        "characters, the limit")
    fields = _count_outside_quotes(header, sep) + 1
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


def _decimal_commas(frame: pd.DataFrame, sep: str) -> list[str]:
    """Read text columns written with decimal commas ('3,5') as numbers; one note per column.

    In a file not separated by commas they are converted; in a comma-separated file (quoted
    '3,5' or thousands '1,234'?) they are left as text, with a note, never silently.
    """
    notes = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            continue
        filled = column.dropna()
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
    field count); notes on what was read differently (decimal commas) are in
    ``frame.attrs["notes"]``.
    """
    text = decode_text(data, "CSV file")
    sep = _delimiter(text)
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
    return frame


def table_notes(frame: pd.DataFrame) -> list[str]:
    """The notes ``read_table`` left on the frame (decimal commas, ...)."""
    return list(frame.attrs.get("notes", []))


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
        raise DataError(f"no column named {literal(missing[0])} in the file")
    notes, arrays = [], []
    for name in columns:
        values = _as_numbers(frame[name])
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
        raise DataError(f"column {literal(text_col)} or {literal(label_col)} is empty in every row")
    long = data["text"].str.len() > MAX_LABEL_TEXT_CHARS
    if long.any():
        data.loc[long, "text"] = data.loc[long, "text"].str.slice(0, MAX_LABEL_TEXT_CHARS)
        notes.append(f"{int(long.sum())} text(s) cut to {MAX_LABEL_TEXT_CHARS:,} characters")
    data, note = _cut_words(data, label_seq_len_limit(len(data)))
    if note:
        notes.append(note)
    counts = data["label"].value_counts()
    if len(counts) < 2:
        raise DataError(f"column {literal(label_col)} has a single label ({literal(counts.index[0])}); "
                        "a classifier needs at least two")
    if len(counts) > MAX_CLASSES:
        raise DataError(f"column {literal(label_col)} has {len(counts)} distinct labels; the limit is {MAX_CLASSES} "
                        "(is it really the label column?)")
    rare = counts[counts < MIN_PER_CLASS]
    if len(rare):
        raise DataError(f"label {literal(rare.index[0])} has only {int(rare.iloc[0])} example; every label needs "
                        f"at least {MIN_PER_CLASS}")
    return data.reset_index(drop=True), notes


def label_seq_len_limit(rows: int) -> int:
    """Most words a labelled text keeps: MAX_SEQ_LEN, fewer when rows x words would pass MAX_WORD_CELLS.

    The classifier pads every text to the longest one (int64 ids), so this bounds its memory.
    """
    return int(max(2, min(MAX_SEQ_LEN, MAX_WORD_CELLS // max(1, rows))))


def _cut_words(data: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, str | None]:
    """Texts of more than ``limit`` words keep their last ``limit`` (the classifier reads the end).

    The word count of every text is kept in a ``words`` column, so it is counted once.
    """
    texts = data["text"].tolist()
    words = np.fromiter((len(tokenize(text)) for text in texts), dtype=np.int64, count=len(texts))
    long = words > limit                      # counted one text at a time: no token lists are kept
    data = data.assign(words=np.minimum(words, limit))
    if not long.any():
        return data, None
    data.loc[long, "text"] = [" ".join(tokenize(texts[k])[-limit:]) for k in np.flatnonzero(long)]
    why = ("the most any text keeps" if limit >= MAX_SEQ_LEN else
           f"{len(data):,} texts × {limit} words is the most this server pads; fewer rows allow up to {MAX_SEQ_LEN}")
    return data, (f"{int(long.sum()):,} text(s) longer than {limit} words keep their last {limit} words "
                  f"(lower-cased; {why})")


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
    if "words" in rows.columns:
        return rows["words"].to_numpy()
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
    """The upload's file name reduced to letters, digits, space, dot, dash and underscore (for titles).

    No link, image, HTML or shortcode can be spelt with these (a 'www.' is split so it cannot
    autolink); a page may still show the title with ``literal``.
    """
    kept = "".join(ch for ch in str(filename or "")[:1000] if ch.isalnum() or ch in " ._-")[:60].strip()
    kept = re.sub(r"(?i)www\.", "www ", kept)          # 'www.host' would become a link in Markdown
    return kept or default


def default_series_columns(frame: pd.DataFrame, numeric: list[str]) -> list[str]:
    """The first numeric column that is not a row counter (strictly increasing by a fixed step).

    When every numeric column is a counter the first is returned; ``series_values`` notes it.
    """
    for name in numeric:
        if not _is_counter(_as_numbers(frame[name]).to_numpy(dtype=float)):
            return [name]
    return numeric[:1]
