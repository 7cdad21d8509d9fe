"""The limits of a user's upload, and the text that states them on the /data page (``LIMITS_MD``).

Every reader of an upload (``playground.io.upload_text``, ``upload_tables``, ``upload_series``,
``upload_corpora``) checks against these; the README's *Limits* section states the same numbers.
"""
from __future__ import annotations

from playground.config import MAX_SEQ_LEN
from playground.tasks.textclass import MIN_ROWS

MAX_BYTES = 10 * 1024 * 1024     # the data uploader's own limit (the server's is the weights file's)
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
