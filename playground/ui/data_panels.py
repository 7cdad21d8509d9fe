"""The Your data page's panels: one per kind of upload, each returning the task it built (or None).

Each panel parses the upload with ``playground.io.user_data``, shows what it found (columns,
preview, split, limits hit) and builds the task for the chosen sequence length. Every
DataError becomes an ``st.error`` line; the session's run and settings are never touched
here — only the "Train on this data" button installs the task. A file over the uploader's
limit or the session's upload bytes is refused before it is parsed (``upload_guard``).
"""
from __future__ import annotations

import html

import streamlit as st

from playground.io import user_data as ud
from playground.io.upload_limits import MAX_BYTES, MAX_SERIES_COLUMNS
from playground.config import clipped
from playground.errors import DataError, PlaygroundError
from playground.markup import literal
from playground.figures.data import make_label_counts_figure, make_upload_series_figure, series_summary
from playground.ui.widgets import chart
from playground.ui.upload_guard import admitted

PREVIEW_KEY = "_data_preview"     # (inputs, task) of the last build, so reruns do not rebuild
PARSED_KEY = "_data_parsed"       # (kind, file id, result or DataError) of the last parse, this session only


def _parsed(kind: str, upload, parse):
    """``parse(bytes)`` once per upload, kept in this session's state (never in a module-level cache,
    which would hold uploads after their session ends); a DataError is kept and raised again."""
    cached = st.session_state.get(PARSED_KEY)
    if cached is None or cached[:2] != (kind, upload.file_id):
        try:
            result = parse(upload.getvalue())
        except DataError as err:
            result = err
        cached = (kind, upload.file_id, result)
        st.session_state[PARSED_KEY] = cached
    if isinstance(cached[2], DataError):
        raise DataError(str(cached[2]))          # a fresh error: re-raising one object grows its traceback
    return cached[2]


def forget_upload() -> None:
    """Drop this session's parsed upload and built preview (called when the uploader is cleared)."""
    st.session_state.pop(PARSED_KEY, None)
    st.session_state.pop(PREVIEW_KEY, None)


def _table(upload):
    """The upload as a checked table (parsed once per upload in this session)."""
    return _parsed("table", upload, ud.read_table)


def _corpus(upload):
    """The upload as a checked corpus with its notes (parsed once per upload in this session)."""
    return _parsed("corpus", upload, ud.corpus_text)


def _built(inputs: tuple, build):
    """``build()`` once per distinct ``inputs`` in this session (the task is kept in session state)."""
    cached = st.session_state.get(PREVIEW_KEY)
    if cached is not None and cached[0] == inputs:
        return cached[1]
    task = build()
    st.session_state[PREVIEW_KEY] = (inputs, task)
    return task


def _plot_text(text, limit: int = 40) -> str:
    """User text for a plotly label: clipped, with HTML escaped (plotly renders <a>, <b>, ... tags)."""
    return html.escape(clipped(text, limit))


def _notes(notes: list[str]) -> None:
    for note in notes:
        st.info(note[0].upper() + note[1:] + ".", icon=":material/info:")


def _seq_len_ui(high: int, value: int, key: str, help: str) -> int | None:
    if high < 2:
        st.error("The data is too short for any sequence length: upload a longer file.")
        return None
    return st.slider("Sequence length T", 2, high, min(max(value, 2), high), key=key, help=help)


def series_ui(upload) -> object | None:
    """CSV time series: pick columns, see the series and its split, build the forecasting task."""
    try:
        frame = _table(upload)
        numeric = ud.numeric_columns(frame)
        if not numeric:
            hint = "; ".join(ud.table_notes(frame))
            raise DataError("the CSV file has no numeric column to forecast" + (f" ({hint})" if hint else ""))
        st.caption(f"{len(frame):,} rows × {frame.shape[1]} columns; numeric: "
                   f"{', '.join(literal(c) for c in numeric)}")
        columns = st.multiselect("Columns to forecast (each is an input and an output)", numeric,
                                 default=ud.default_series_columns(frame, numeric), max_selections=MAX_SERIES_COLUMNS, key="data_columns")
        values, notes = ud.series_values(frame, columns)
        notes = ud.table_notes(frame) + notes
    except PlaygroundError as err:
        st.error(f"Cannot use this file: {err}.", icon=":material/error:")
        return None
    _notes(notes)
    split = int(len(values) * ud.SERIES_TRAIN_FRACTION)
    chart(make_upload_series_figure(values, [_plot_text(c) for c in columns], split,
                                    title="Your series (validation part shaded)"),
          "data_series", series_summary(values, [literal(c) for c in columns], split))
    T = _seq_len_ui(ud.max_seq_len(len(values), ud.SERIES_TRAIN_FRACTION), 48, "data_seq_len",
                    "Points the network reads before each prediction; a window of T + 1 must fit in the "
                    "validation part.")
    if T is None:
        return None
    title = f"{ud.safe_name(upload.name)}: {', '.join(ud.safe_name(c, 'column') for c in columns)}"
    try:
        return _built(("series", upload.file_id, tuple(columns), T), lambda: ud.series_task(values, title, T))
    except PlaygroundError as err:
        st.error(f"Cannot build the task: {err}.", icon=":material/error:")
        return None


def text_ui(upload) -> object | None:
    """Plain text: see its size, characters and split, build the character language model."""
    try:
        text, notes = _corpus(upload)
    except PlaygroundError as err:
        st.error(f"Cannot use this file: {err}.", icon=":material/error:")
        return None
    _notes(notes)
    split = int(len(text) * ud.TEXT_TRAIN_FRACTION)
    cols = st.columns(3)
    cols[0].metric("Characters", f"{len(text):,}")
    cols[1].metric("Distinct characters", len(set(text)))
    cols[2].metric("Validation part", f"last {len(text) - split:,}")
    st.text_area("Beginning of the text", text[:800], height=160, disabled=True, key="data_text_preview")
    T = _seq_len_ui(ud.max_seq_len(len(text), ud.TEXT_TRAIN_FRACTION), 50, "data_seq_len",
                    "Characters the network reads; it predicts the next one at every step.")
    if T is None:
        return None
    title = f"{ud.safe_name(upload.name)} (characters)"
    try:
        return _built(("text", upload.file_id, T), lambda: ud.text_task(text, title, T))
    except PlaygroundError as err:
        st.error(f"Cannot build the task: {err}.", icon=":material/error:")
        return None


def labelled_ui(upload) -> object | None:
    """CSV of labelled texts: pick the text and label columns, see the labels, build the classifier."""
    try:
        frame = _table(upload)
        texts = ud.text_columns(frame)
        c1, c2 = st.columns(2)
        text_col = c1.selectbox("Text column", texts, key="data_text_col")
        others = [c for c in frame.columns if c != text_col] or list(frame.columns)
        label_col = c2.selectbox("Label column", others, key="data_label_col",
                                 index=min(range(len(others)), key=lambda k: frame[others[k]].nunique()))
        rows, notes = ud.labelled_texts(frame, text_col, label_col)
        notes = ud.table_notes(frame) + notes
    except PlaygroundError as err:
        st.error(f"Cannot use this file: {err}.", icon=":material/error:")
        return None
    _notes(notes)
    counts = rows["label"].value_counts()
    left, right = st.columns([2, 3])
    with left:
        chart(make_label_counts_figure([_plot_text(k) for k in counts.index], list(counts.values),
                                       title="Texts per label"),
              "data_labels", f"{len(rows):,} texts, {len(counts)} labels: " +
              ", ".join(f"{literal(k)} {v}" for k, v in counts.items()) + ".")
    with right:
        st.dataframe(rows.head(8), width="stretch", hide_index=True)
        st.caption(f"A seeded {ud.LABEL_VAL_FRACTION:.0%} of the rows validates; the rest trains.")
    T = _seq_len_ui(ud.label_seq_len_limit(len(rows)), ud.suggested_label_seq_len(rows), "data_seq_len",
                    "Words the network reads; longer texts keep their last T words, shorter ones are padded.")
    if T is None:
        return None
    title = f"{ud.safe_name(upload.name)}: {ud.safe_name(label_col, 'label')} of {ud.safe_name(text_col, 'text')}"
    try:
        return _built(("labelled", upload.file_id, text_col, label_col, T), lambda: ud.label_task(rows, title, T))
    except PlaygroundError as err:
        st.error(f"Cannot build the task: {err}.", icon=":material/error:")
        return None


def _within_limits(panel):
    """``panel`` behind the upload bounds (``upload_guard.admitted``): a file over the data uploader's
    limit, or over the session's total, is refused and let go before a byte of it is parsed."""
    def guarded(upload):
        checked = admitted(upload, MAX_BYTES)
        return None if checked is None else panel(checked)
    guarded.__doc__ = panel.__doc__
    return guarded


PANELS = {"series": _within_limits(series_ui), "text": _within_limits(text_ui),
          "labelled": _within_limits(labelled_ui)}
