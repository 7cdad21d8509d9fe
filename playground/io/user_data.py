"""Reading a user's own data: bytes -> text -> table or corpus, checked, with plain reasons -> a task.

The one module a page or the command line reads an upload through (``from playground.io import
user_data as ud``). Its parts:

- ``playground.io.upload_limits``: every limit, and ``LIMITS_MD`` that states them;
- ``playground.io.upload_text``: bytes -> UTF-8 text, the CSV delimiter;
- ``playground.io.upload_tables``: CSV -> table, its numeric and text columns;
- ``playground.io.upload_series``: numeric columns -> a series to forecast;
- ``playground.io.upload_corpora``: plain text -> a corpus, a table -> labelled texts;

and here, the task each of them trains (``series_task``, ``text_task``, ``label_task``), the
longest sequence that fits, and a safe title from the file name.

Everything an upload can get wrong ends as a DataError whose message says what was
wrong and what to do, so the page can show it and keep the session's run untouched:

    decode_text(b"a,b\\n1,2\\n")      -> "a,b\\n1,2\\n"   (UTF-8, with or without a BOM)
    decode_text(b"\\x89PNG\\x00...")   -> DataError: looks like a binary file
    read_table(b"t,temp\\n1,3.5\\n2,4.1\\n3,3.9\\n")  -> DataFrame, 3 rows x 2 columns
    series_values(frame, ["temp"])   -> (values (N, 1) float64, notes on gaps filled)

No streamlit here: the /data page draws widgets and calls these.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from playground.config import CUSTOM_TASK, MAX_SEQ_LEN
from playground.io.upload_corpora import (corpus_text, label_seq_len_limit, labelled_texts,
                                          suggested_label_seq_len, token_lengths)
from playground.io.upload_series import default_series_columns, series_values
from playground.io.upload_tables import numeric_columns, read_table, table_notes, text_columns
from playground.io.upload_text import decode_text
from playground.tasks.base import Task
from playground.tasks.chartext import TRAIN_FRACTION as TEXT_TRAIN_FRACTION, CharTextTask
from playground.tasks.series import TRAIN_FRACTION as SERIES_TRAIN_FRACTION, SeriesTask
from playground.tasks.textclass import VAL_FRACTION as LABEL_VAL_FRACTION, TextClassTask

__all__ = [
    "decode_text", "read_table", "table_notes", "numeric_columns", "text_columns",          # the parts
    "series_values", "default_series_columns",
    "corpus_text", "labelled_texts", "label_seq_len_limit", "token_lengths", "suggested_label_seq_len",
    "SERIES_TRAIN_FRACTION", "TEXT_TRAIN_FRACTION", "LABEL_VAL_FRACTION",                    # how tasks split
    "with_seq_len", "series_task", "text_task", "label_task", "max_seq_len", "safe_name",   # defined here
]


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


def max_seq_len(n: int, train_fraction: float) -> int:
    """Longest T whose window of T + 1 fits both parts of ``n`` points split at ``train_fraction``."""
    n_train = int(n * train_fraction)
    return max(0, min(MAX_SEQ_LEN, n_train - 1, n - n_train - 1))


def safe_name(filename: str | None, default: str = "your data") -> str:
    """The upload's file name reduced to letters, digits, space, dot, dash and underscore (for titles).

    No link, image, HTML or shortcode can be spelt with these (a 'www.' is split so it cannot
    autolink); a page may still show the title with ``literal``.
    """
    kept = "".join(ch for ch in str(filename or "")[:1000] if ch.isalnum() or ch in " ._-")[:60].strip()
    kept = re.sub(r"(?i)www\.", "www ", kept)          # 'www.host' would become a link in Markdown
    return kept or default
