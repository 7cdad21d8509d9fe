"""An uploaded text corpus for the character model, and labelled texts for the classifier, checked.

    corpus_text(b"...")                          -> (text, notes: cut to the limit, line endings)
    labelled_texts(frame, "review", "stars")     -> (rows of text and label, notes on what was cut)

Texts are cut (never refused) past the character and word limits, with a note that says so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from playground.config import MAX_SEQ_LEN
from playground.errors import DataError
from playground.io.upload_limits import (MAX_CLASSES, MAX_LABEL_TEXT_CHARS, MAX_LABELLED_ROWS, MAX_TEXT_CHARS,
                                         MAX_VOCAB, MAX_WORD_CELLS, MIN_PER_CLASS, MIN_TEXT_CHARS)
from playground.io.upload_text import decode_text
from playground.markup import literal
from playground.tasks.textclass import tokenize


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


def token_lengths(rows: pd.DataFrame) -> np.ndarray:
    """Words per labelled text, as the classifier tokenises them (to suggest a sequence length)."""
    if "words" in rows.columns:
        return rows["words"].to_numpy()
    return np.array([len(tokenize(t)) for t in rows["text"]])


def suggested_label_seq_len(rows: pd.DataFrame) -> int:
    """A sequence length that holds 90% of the labelled texts whole (2 to 400 words)."""
    lengths = token_lengths(rows)
    return int(np.clip(np.percentile(lengths, 90) if len(lengths) else 20, 2, MAX_SEQ_LEN))
