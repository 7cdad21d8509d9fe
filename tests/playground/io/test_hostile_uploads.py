"""Hostile uploads (issue classes 2, 3 and 4): parsing costs bounded before pandas, memory bounded by
what is kept, and numbers that would silently turn wrong refused or noted.

Each case goes through the same steps as the Your data page (``accept``) and asserts a one-line
message naming the problem and the limit (or a note and correct values), in under 2 s of CPU and
under 100 MB extra peak memory, as ``hostile_measure.measured`` measures them.
"""
import random
import re

from pathlib import Path

import numpy as np
import pytest

from playground.config import MAX_SEQ_LEN
from playground.io import upload_corpora, upload_limits as limits, user_data as ud
from playground.errors import DataError
from playground.markup import literal
from hostile_measure import MAX_EXTRA_BYTES, MAX_SECONDS, measured, outcome_of

WORDS = ["good", "bad", "film", "plot", "actor", "not", "very", "dull", "fun", "great"]


def accept(kind: str, data: bytes):
    """What the Your data page does with an upload of ``kind``: (task, notes) or a DataError."""
    if kind == "text":
        text, notes = ud.corpus_text(data)
        return ud.text_task(text, "t", min(50, ud.max_seq_len(len(text), ud.TEXT_TRAIN_FRACTION))), notes
    frame = ud.read_table(data)
    if kind == "series":
        numeric = ud.numeric_columns(frame)
        if not numeric:
            raise DataError("the CSV file has no numeric column to forecast")
        columns = ud.default_series_columns(frame, numeric)
        values, notes = ud.series_values(frame, columns)
        T = min(48, ud.max_seq_len(len(values), ud.SERIES_TRAIN_FRACTION))
        return ud.series_task(values, "s", T), ud.table_notes(frame) + notes
    rows, notes = ud.labelled_texts(frame, "text", "label")
    return ud.label_task(rows, "l", ud.label_seq_len_limit(len(rows))), ud.table_notes(frame) + notes


def series(values, header="t,v", sep=",") -> bytes:
    """A CSV series: a row counter and the given values."""
    return (header.replace(",", sep) + "\n" + "\n".join(f"{k}{sep}{v}" for k, v in enumerate(values)) + "\n").encode()


def wave(n=120):
    """A smooth series of ``n`` points as strings."""
    return [f"{np.sin(k / 5):.4f}" for k in range(n)]


def labelled(n=60, words=6, long_row=None, vocab=WORDS) -> bytes:
    """A labelled-text CSV of ``n`` rows of ``words`` words (plus one ``long_row`` text, if given)."""
    rng = random.Random(0)
    rows = [" ".join(rng.choice(vocab) for _ in range(words)) + f",{'pos' if k % 2 else 'neg'}" for k in range(n)]
    if long_row is not None:
        rows.append(f"{long_row},pos")
    return ("text,label\n" + "\n".join(rows) + "\n").encode()


REFUSED = {
    # class 2: parsing costs before limits (all refused before pandas builds anything large)
    "quadratic-sniff-header": ("series", b"a" + b',"' * 4000 + b"\n1,2\n", "columns; the limit is 50"),
    "quadratic-sniff-data-row": ("series", b"a,b\n1,2\n3," + b',"' * 2_000_000 + b"\n", "ragged (line 3 has 1,000,002 values but the header has 2 names"),
    "5000-column-header": ("series", b"a," * 4999 + b"a\n" + b"1," * 4999 + b"1\n", "5,000 columns; the limit is 50"),
    "5k-columns-after-blank-lines": ("series", b"\n \n\r\n" * 1000 + b"a," * 4_999 + b"a\n" + (b"1," * 4_999 + b"1\n") * 800,
                                     "5,000 columns; the limit is 50"),
    "10k-column-header": ("series", ",".join(f"c{k}" for k in range(10_000)).encode() + b"\n1\n",
                          "longer than 10,000 characters, the limit"),
    "one-10mb-line": ("series", b"x" * (limits.MAX_BYTES - 10), "longer than 10,000 characters, the limit"),
    "51-columns": ("series", b",".join(b"c%d" % k for k in range(51)) + b"\n" + b"1," * 50 + b"1\n", "51 columns; the limit is 50"),
    "million-field-row": ("series", b"a,b\n1,2\n" + b"1," * 1_000_000 + b"1\n", "line 3 has 1,000,001 values but the header has 2"),
    "ragged-every-row": ("series", b"a,b\n" + b"".join(b"%d,%d,%d\n" % (k, k, k) for k in range(60)),
                         "more values than the header has names (2)"),
    "ragged-one-row": ("series", series(wave()).replace(b"\n5,", b"\n5,1,", 1), "line 7 has 3 values but the header has 2"),
    "too-many-rows": ("series", b"t,v\n" + b"1,2\n" * (limits.MAX_ROWS + 5), "more than 100,000 rows; the limit is 100,000"),
    # class 4: numbers that would silently turn wrong
    "beyond-float32": ("series", series(wave()[:-1] + ["1e39"]), "beyond float32's ±3.4e38"),
    "huge-but-finite": ("series", series([f"{v}e20" for v in wave()]), "within ±1e+15"),
    "one-huge-cell": ("series", series(wave()[:60] + ["-3e17"] + wave()[61:]), "as large as 3e+17"),
    "inf-cells": ("series", series(wave()[:50] + ["inf"] + wave()[51:]), "1 infinite value"),
    "1e999-cells": ("series", series(wave()[:50] + ["1e999", "-1e999"] + wave()[52:]), "2 infinite values"),
    "float64-max": ("series", series(wave()[:-1] + ["1.7e308"]), "within ±1e+15"),
}
NOTED = {
    "decimal-comma-semicolons": ("series", series([v.replace(".", ",") for v in wave()], "n,temp", ";"),
                                 "decimal commas read as decimal points"),
    "decimal-comma-quoted": ("series", series([f'"{v.replace(".", ",")}"' for v in wave()], "n,temp"),
                             "holds numbers written with decimal commas; it is not read as numbers"),
    "only-a-row-counter": ("series", series(range(100, 220)), "only counts rows"),
    "huge-offset-tiny-wiggle": ("series", series([f"{1e9 + float(v) * 1e-3:.6f}" for v in wave()]),
                                "varies too little for its size to show in float32"),
    "gaps-from-short-rows": ("series", series([v if k % 9 else "" for k, v in enumerate(wave())]).replace(b",\n", b"\n"),
                             "14 empty or non-numeric cells filled by linear interpolation"),
    "one-5mb-labelled-row": ("labelled", labelled(long_row="very " * 1_000_000), "cut to 2,000 characters"),
    "long-labelled-texts": ("labelled", labelled(n=20, words=600), "keep their last 400 words"),
}


def check_one_line(message: str, fragment: str) -> None:
    """``fragment`` is in ``message``, which is one short line."""
    assert fragment in message and "\n" not in message and len(message) < 400, message


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_upload_is_refused_with_one_line(name):
    kind, data, fragment = REFUSED[name]
    outcome, seconds, extra = measured(lambda: accept(kind, data))
    assert isinstance(outcome, DataError), repr(outcome)
    check_one_line(str(outcome), fragment)
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (seconds, extra / 2**20)


@pytest.mark.parametrize("name", list(NOTED))
def test_hostile_upload_is_accepted_with_a_note(name):
    kind, data, fragment = NOTED[name]
    outcome, seconds, extra = measured(lambda: accept(kind, data))
    assert not isinstance(outcome, Exception), repr(outcome)
    task, notes = outcome
    assert any(fragment in note for note in notes), notes
    for note in notes:
        check_one_line(note, "")
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (seconds, extra / 2**20)


def test_many_long_labelled_texts_keep_fewer_words(monkeypatch):
    monkeypatch.setattr(upload_corpora, "MAX_WORD_CELLS", 100_000)           # 1,000 rows x 100 words, as 50,000 x 40
    outcome, seconds, extra = measured(lambda: accept("labelled", labelled(n=1000, words=250, vocab="abcdefgh")))
    assert not isinstance(outcome, Exception), repr(outcome)
    task, notes = outcome
    assert any("1,000 texts × 100 words is the most this server pads" in n for n in notes), notes
    assert task.corpus.train_ids.shape[1] == 100
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (seconds, extra / 2**20)


def test_decimal_commas_are_read_as_numbers_not_the_counter():
    frame = ud.read_table(series([v.replace(".", ",") for v in wave()], "n;temp", ";"))
    numeric = ud.numeric_columns(frame)
    assert numeric == ["n", "temp"] and ud.default_series_columns(frame, numeric) == ["temp"]
    values, _ = ud.series_values(frame, ["temp"])
    np.testing.assert_allclose(values[:, 0], [float(v) for v in wave()])


def test_decimal_commas_with_whole_numbers_and_thousands():
    cells = ["3", "3,5", "1.234,5", "-2,25", "", "7"] * 10
    frame = ud.read_table(series(cells, "n,v", ";"))
    assert frame["v"].head(6).tolist()[:4] == [3.0, 3.5, 1234.5, -2.25] and frame["v"].isna().sum() == 10
    assert any("decimal commas read as decimal points" in note for note in ud.table_notes(frame))


def test_trailing_delimiters_do_not_shift_values_into_the_index():
    frame = ud.read_table(b"t,v\n" + b"".join(b"%d,%d,\n" % (k, 3 * k) for k in range(40)))
    assert list(frame.columns) == ["t", "v"] and list(frame["v"][:3]) == [0, 3, 6]
    assert list(frame.index[:3]) == [0, 1, 2]


def test_a_labelled_text_is_bounded_at_parse_time():
    rows, _ = ud.labelled_texts(ud.read_table(labelled(long_row="bad " * 1_000_000)), "text", "label")
    assert rows["text"].str.len().max() <= limits.MAX_LABEL_TEXT_CHARS
    assert ud.token_lengths(rows).max() <= MAX_SEQ_LEN
    task = ud.label_task(rows, "l", ud.label_seq_len_limit(len(rows)))
    assert task.corpus.train_ids.shape[1] <= MAX_SEQ_LEN


@pytest.mark.parametrize("rows", [1_000, 10_000, 50_000])
def test_words_per_text_shrink_as_rows_grow(rows):
    limit = ud.label_seq_len_limit(rows)
    assert 2 <= limit <= MAX_SEQ_LEN and rows * limit <= max(limits.MAX_WORD_CELLS, rows * 2)


def at_limit_series() -> bytes:
    """A series CSV just under the size limit: 50 columns, 100,000 rows."""
    header = "t," + ",".join(f"c{k}" for k in range(49))
    row = ",".join(["1"] * 49)
    body = "\n".join(f"{k},{row}" for k in range(limits.MAX_ROWS))
    data = (header + "\n" + body + "\n").encode()
    assert limits.MAX_BYTES * 0.9 < len(data) <= limits.MAX_BYTES
    return data


def at_limit_labelled() -> bytes:
    """A labelled-text CSV just under the size limit: 50,000 rows of about 200 characters."""
    rng = random.Random(1)
    rows = [" ".join(rng.choice(WORDS) for _ in range(37)) + f",{k % 5}" for k in range(limits.MAX_LABELLED_ROWS)]
    data = ("text,label\n" + "\n".join(rows) + "\n").encode()
    assert limits.MAX_BYTES * 0.8 < len(data) <= limits.MAX_BYTES
    return data


@pytest.mark.parametrize("kind, build", [("series", at_limit_series), ("labelled", at_limit_labelled),
                                         ("text", lambda: b"ab cd\n" * (limits.MAX_BYTES // 6))])
def test_an_upload_at_the_size_limit_is_read_in_under_a_second(kind, build):
    data = build()
    if kind == "series":
        parse = lambda: ud.series_values(ud.read_table(data), ["c0"])           # noqa: E731
    elif kind == "labelled":
        parse = lambda: ud.labelled_texts(ud.read_table(data), "text", "label")  # noqa: E731
    else:
        parse = lambda: ud.corpus_text(data)                                    # noqa: E731
    outcome, seconds, extra = measured(parse)
    assert not isinstance(outcome, Exception), repr(outcome)
    assert seconds < 1.0 and extra < MAX_EXTRA_BYTES, (seconds, extra / 2**20)


def test_the_largest_labelled_upload_builds_within_the_stated_memory():
    rows, _ = ud.labelled_texts(ud.read_table(at_limit_labelled()), "text", "label")
    outcome, seconds, extra = measured(lambda: ud.label_task(rows, "l", ud.label_seq_len_limit(len(rows))))
    assert not isinstance(outcome, Exception), repr(outcome)
    assert extra < limits.PEAK_MEMORY_MB * 2**20, extra / 2**20


@pytest.mark.parametrize("path", ["playground/ui/data_panels.py", "pages/data.py", "playground/io/user_data.py",
                                  "playground/io/upload_text.py", "playground/io/upload_tables.py",
                                  "playground/io/upload_series.py", "playground/io/upload_corpora.py"])
def test_uploads_are_not_kept_in_module_level_caches(path):
    source = (Path(__file__).resolve().parents[3] / path).read_text()
    assert "cache_data" not in source and "cache_resource" not in source and "lru_cache" not in source


# --- class 5 (inside these files): echoed user text is an inert code span ---------------------------
HOSTILE_TEXT = {
    "link": "[click](http://evil.example)",
    "autolink": "<http://evil.example>",
    "bare-domain": "www.evil.example",
    "numeric-ip": "http://10.0.0.1/x",
    "image": "![x](http://evil.example/a.png)",
    "html": "<img src=x onerror=alert(1)>",
    "shortcode": ":smile: :material/home:",
    "backticks": "a `code` b ``more``",
    "newlines": "a\n# heading\n[x](http://e)",
    "1mb": "[x](http://e)" * 80_000,
}
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def outside_code_spans(text: str) -> str:
    """``text`` with every Markdown code span removed (what Markdown would still interpret)."""
    return CODE_SPAN.sub("", text)


def assert_inert(message: str, hostile: str) -> None:
    """No piece of ``hostile`` that Markdown could turn into markup is left outside code spans."""
    rest = outside_code_spans(message)
    for marker in ("](", "<", "http", "www.", ":smile:", ":material", "#"):
        if marker in hostile:
            assert marker not in rest, (marker, message[:200])
    assert "\n" not in message and len(message) < 400, message[:200]


@pytest.mark.parametrize("name", list(HOSTILE_TEXT))
def test_literal_is_one_short_code_span(name):
    shown = literal(HOSTILE_TEXT[name])
    assert outside_code_spans(shown) == "" and len(shown) < 60 and "\n" not in shown, shown


@pytest.mark.parametrize("name", ["link", "bare-domain", "image", "html", "shortcode", "1mb"])
def test_hostile_column_names_are_echoed_inert(name):
    hostile = HOSTILE_TEXT[name]
    frame = ud.read_table(b"t,v\n" + b"".join(b"%d,x\n" % k for k in range(30))).rename(columns={"v": hostile})
    outcome = outcome_of(lambda: ud.series_values(frame, [hostile]))
    assert isinstance(outcome, DataError) and "has no numbers" in str(outcome), repr(outcome)
    assert_inert(str(outcome), hostile)


@pytest.mark.parametrize("name", ["link", "bare-domain", "numeric-ip", "html", "shortcode"])
def test_hostile_labels_are_echoed_inert(name):
    hostile = HOSTILE_TEXT[name].replace(",", " ")
    frame = ud.read_table(("text,label\n" + "good film,pos\nbad film,neg\n" * 10 + f"meh,{hostile}\n").encode())
    outcome = outcome_of(lambda: ud.labelled_texts(frame, "text", "label"))
    assert isinstance(outcome, DataError) and "only 1 example" in str(outcome), repr(outcome)
    assert_inert(str(outcome), hostile)


@pytest.mark.parametrize("filename", ["www.evil.example.csv", "WWW.Evil.csv", "[x](http://1.2.3.4).csv",
                                      "![i](http://e/a.png):smile:.csv", "x" * 10**6])
def test_safe_name_cannot_spell_a_link(filename):
    name = ud.safe_name(filename)
    assert len(name) <= 60 and not re.search(r"(?i)www\.|[\[\]()<>:/!`]", name), name
