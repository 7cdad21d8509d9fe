"""Reading uploads: every kind of bad file is a DataError with a reason; good ones build tasks."""
import numpy as np
import pandas as pd
import pytest

from playground.io import upload_corpora, upload_tables, user_data as ud
from playground.errors import DataError


def csv_bytes(n=200, cols=("temp",)):
    rows = [",".join(["t", *cols])] + [",".join([str(i)] + [f"{np.sin(i / 7 + k):.4f}" for k in range(len(cols))])
                                       for i in range(n)]
    return "\n".join(rows).encode()


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"), (b"   \n\t", "whitespace"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
    (b"\xff\xfea\x00,\x00", "UTF-16"), ("température,x\n1,2\n".encode("latin-1"), "not UTF-8"),
])
def test_decode_refuses_unreadable_bytes(data, reason):
    with pytest.raises(DataError, match=reason):
        ud.decode_text(data)


def test_decode_drops_a_bom_and_reads_utf8():
    assert ud.decode_text("\ufeffcafé,1\n".encode("utf-8")) == "café,1\n"


@pytest.mark.parametrize("data, reason", [
    (b"a,b\n", "no rows"), (b"a,b\n1,2\n", "single row"), (b"\n\n\n", "whitespace"),
    (",".join(f"c{k}" for k in range(60)).encode() + b"\n" + b"1," * 59 + b"1\n" + b"2," * 59 + b"2\n", "60 columns"),
], ids=["header-only", "one-row", "blank", "too-wide"])
def test_read_table_refuses_unusable_tables(data, reason):
    with pytest.raises(DataError, match=reason):
        ud.read_table(data)


def test_read_table_limits_rows(monkeypatch):
    monkeypatch.setattr(upload_tables, "MAX_ROWS", 50)
    with pytest.raises(DataError, match="more than 50 rows"):
        ud.read_table(csv_bytes(60))


def test_semicolon_csv_and_numeric_columns():
    frame = ud.read_table(b"day;temp;note\n1;3.5;a\n2;;b\n3;4.5;c\n")
    assert list(frame.columns) == ["day", "temp", "note"]
    assert ud.numeric_columns(frame) == ["day", "temp"]
    assert ud.default_series_columns(frame, ["day", "temp"]) == ["temp"]


def test_series_values_fill_gaps_and_refuse_empty_columns():
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0] * 10, "b": ["x"] * 30})
    values, notes = ud.series_values(frame, ["a"])
    assert values.shape == (30, 1) and values[1, 0] == 2.0 and "interpolation" in notes[0]
    with pytest.raises(DataError, match="no numbers"):
        ud.series_values(frame, ["b"])
    with pytest.raises(DataError, match="at least one"):
        ud.series_values(frame, [])
    with pytest.raises(DataError, match="at least 20"):
        ud.series_values(frame.head(10), ["a"])


def test_series_task_checks_the_sequence_length():
    values, _ = ud.series_values(ud.read_table(csv_bytes(200)), ["temp"])
    task = ud.series_task(values, "mine", 30)
    assert task.name == "custom" and task.title == "mine" and task.baseline() > 0
    assert ud.max_seq_len(200, ud.SERIES_TRAIN_FRACTION) == 39
    with pytest.raises(DataError, match="too short"):
        ud.with_seq_len(task, 100)
    longer = ud.with_seq_len(task, 39)
    assert (longer.seq_len, longer.name, longer.title) == (39, "custom", "mine")


def test_corpus_text_limits(monkeypatch):
    with pytest.raises(DataError, match="at least"):
        ud.corpus_text(b"too short")
    with pytest.raises(DataError, match="single character"):
        ud.corpus_text(b"a" * 500)
    monkeypatch.setattr(upload_corpora, "MAX_TEXT_CHARS", 300)
    text, notes = ud.corpus_text(b"hello world\r\n" * 40)
    assert len(text) == 300 and "\r" not in text and "cut" in notes[0]
    assert ud.text_task(text, "mine", 20).vocab_size == len(set(text))


def test_labelled_texts_checks_labels():
    frame = pd.DataFrame({"review": ["good film", "bad film", "", "great", "awful"] * 4,
                          "stars": ["pos", "neg", "pos", "pos", "neg"] * 4})
    rows, notes = ud.labelled_texts(frame, "review", "stars")
    assert len(rows) == 16 and "dropped" in notes[0]
    task = ud.label_task(rows, "mine", ud.suggested_label_seq_len(rows))
    assert task.output_size == 2 and 0 < task.baseline() <= 1
    with pytest.raises(DataError, match="single label"):
        ud.labelled_texts(frame.assign(stars="pos"), "review", "stars")
    with pytest.raises(DataError, match="must differ"):
        ud.labelled_texts(frame, "review", "review")
    many = pd.DataFrame({"t": [f"text {k}" for k in range(60)], "y": [str(k) for k in range(30)] * 2})
    with pytest.raises(DataError, match="distinct labels"):
        ud.labelled_texts(many, "t", "y")
    rare = pd.DataFrame({"t": ["a b"] * 5, "y": ["x", "x", "x", "x", "y"]})
    with pytest.raises(DataError, match="only 1 example"):
        ud.labelled_texts(rare, "t", "y")


def test_safe_name_keeps_plain_characters():
    assert ud.safe_name("my data (v2)[x](http://e).csv") == "my data v2xhttpe.csv"
    assert ud.safe_name("") == "your data"


@pytest.mark.parametrize("bad", ["4\x00\x00", "abc", "١٢", "3..5"])
def test_a_malformed_number_far_down_a_numeric_column_gets_a_note_naming_row_and_column(bad):
    rows = ["t,temp,hum"] + [f"{i},{i * 0.5},{i % 7}" for i in range(20_000)]
    rows[15_000] = f"14999,{bad},3"                             # far past any sample the reader takes
    frame = ud.read_table(("\n".join(rows) + "\n").encode())
    notes = ud.table_notes(frame)
    assert any("column `temp`, row 15,000" in n and "is not a number" in n for n in notes), notes
    assert ud.numeric_columns(frame) == ["t", "temp", "hum"]
    values, _ = ud.series_values(frame, ["temp"])
    assert np.isfinite(values).all()


def test_a_text_column_gets_no_such_note():
    rows = ["t,word"] + [f"{i},w{i}" for i in range(50)]
    assert ud.table_notes(ud.read_table(("\n".join(rows) + "\n").encode())) == []
