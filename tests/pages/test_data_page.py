"""The Your data page: an uploaded CSV becomes the 'custom' task that /train trains on."""
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from page_runner import open_page

def open_data_page() -> AppTest:
    """The Your data page, opened from the entrypoint."""
    return open_page("data")


def series_csv(n=240) -> bytes:
    values = np.sin(np.arange(n) / 6)
    return ("step,level,note\n" + "\n".join(f"{k},{v:.4f},x" for k, v in enumerate(values))).encode()


def test_upload_preview_and_train_on_it():
    at = open_data_page()
    assert not at.exception
    at.file_uploader(key="data_upload_series").set_value(("levels.csv", series_csv(), "text/csv")).run()
    assert not at.exception and not at.error
    assert at.multiselect(key="data_columns").value == ["level"]          # the row counter is skipped
    assert at.get("plotly_chart")                                          # the preview with its split
    at.slider(key="data_seq_len").set_value(30).run()
    at.button(key="data_train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["cfg_task"] == "custom" and at.session_state["cfg_seq_len"] == 30
    run = at.session_state[LIVE_RUN]
    assert run.task is at.session_state["custom_task"] and run.task.seq_len == 30


def test_bad_files_give_a_message_and_keep_the_session():
    at = open_data_page()
    at.file_uploader(key="data_upload_series").set_value(("x.csv", b"\x00\x01binary", "text/csv")).run()
    assert not at.exception and "binary" in at.error[0].value
    at.file_uploader(key="data_upload_series").set_value(("x.csv", b"a,b\nq,r\ns,t\n", "text/csv")).run()
    assert not at.exception and "no numeric column" in at.error[0].value
    assert "custom_task" not in at.session_state


def test_labelled_texts_and_plain_text():
    at = open_data_page()
    at.radio(key="data_kind").set_value("labelled").run()
    rows = "\n".join(f"{'good fun film' if k % 2 else 'dull bad film'},{'pos' if k % 2 else 'neg'}" for k in range(40))
    at.file_uploader(key="data_upload_labelled").set_value(("r.csv", f"review,label\n{rows}".encode(), "text/csv")).run()
    assert not at.exception and not at.error
    assert at.selectbox(key="data_text_col").value == "review" and at.selectbox(key="data_label_col").value == "label"
    at.radio(key="data_kind").set_value("text").run()
    at.file_uploader(key="data_upload_text").set_value(("t.txt", b"short", "text/plain")).run()
    assert not at.exception and "at least" in at.error[0].value


# --- hostile uploads on the page (issue 10, classes 2-5): a message or note, the session's run kept ---
import re  # noqa: E402
import time  # noqa: E402

from playground.config import RunConfig  # noqa: E402
from playground.engine.live import LiveRun  # noqa: E402
from playground.ui.keys import LIVE_RUN

OUTSIDE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
WAVE = [f"{np.sin(k / 5):.4f}" for k in range(120)]
HOSTILE_UPLOADS = {
    "quadratic-sniff": ("series", b"a" + b',"' * 4000 + b"\n1,2\n", "error", "columns; the limit is 50"),
    "10k-column-header": ("series", ",".join(f"c{k}" for k in range(10_000)).encode() + b"\n1\n", "error",
                          "longer than 10,000 characters"),
    "ragged-row": ("series", ("t,v\n" + "\n".join(f"{k},{v}" + (",9" if k == 50 else "") for k, v in enumerate(WAVE))).encode(),
                   "error", "ragged"),
    "beyond-float32": ("series", ("t,v\n" + "\n".join(f"{k},{'1e39' if k == 9 else v}" for k, v in enumerate(WAVE))).encode(),
                       "error", "beyond float32"),
    "decimal-commas": ("series", ("n;temp\n" + "\n".join(f"{k};{v.replace('.', ',')}" for k, v in enumerate(WAVE))).encode(),
                       "info", "decimal commas read as decimal points"),
    "5mb-labelled-row": ("labelled", ("text,label\n" + "\n".join(f"{'good fun' if k % 2 else 'dull bad'} film,"
                                                                f"{'pos' if k % 2 else 'neg'}" for k in range(40))
                                      + "\n" + "no " * 1_500_000 + ",pos\n").encode(), "info", "keep their last 400 words"),
    "link-column-name": ("series", ("t,[click](http://evil.example) www.evil.example :smile:\n"
                                    + "\n".join(f"{k},{v}" for k, v in enumerate(WAVE))).encode(), "caption", "numeric: `t`"),
    "link-label": ("labelled", ("text,label\n" + "good film,pos\nbad film,neg\n" * 10
                                + "meh,![i](http://evil.example/a.png)\n").encode(), "error", "only 1 example"),
}


@pytest.mark.parametrize("name", list(HOSTILE_UPLOADS))
def test_hostile_upload_on_the_page_keeps_the_run(name):
    kind, data, element, fragment = HOSTILE_UPLOADS[name]
    run = LiveRun(RunConfig(task="adding", seq_len=10, hidden=8, batch=8))
    run.step_once()
    steps = run.step_count
    at = open_data_page()
    at.session_state[LIVE_RUN] = run
    at.radio(key="data_kind").set_value(kind).run()
    began = time.perf_counter()
    at.file_uploader(key=f"data_upload_{kind}").set_value((f"{name}.csv", data, "text/csv")).run()
    seconds = time.perf_counter() - began
    assert not at.exception, [e.value for e in at.exception]
    shown = " | ".join(e.value for e in getattr(at, element))
    assert fragment in shown, shown
    everything = " | ".join(e.value for e in [*at.error, *at.info, *at.caption, *at.markdown])
    outside = OUTSIDE_CODE.sub("", everything)
    assert "](" not in outside and "www.evil" not in outside and ":smile:" not in outside, outside[:300]
    assert at.session_state[LIVE_RUN] is run and run.step_count == steps
    assert "custom_task" not in at.session_state
    assert seconds < 2.0, seconds
    if kind == "labelled" and element == "info":
        assert at.slider(key="data_seq_len").max <= 400


def test_a_parsed_upload_lives_in_the_session_and_goes_with_the_file():
    at = open_data_page()
    at.file_uploader(key="data_upload_series").set_value(("levels.csv", series_csv(), "text/csv")).run()
    assert "_data_parsed" in at.session_state and not at.error
    at.file_uploader(key="data_upload_series").set_value(None).run()
    assert "_data_parsed" not in at.session_state and "_data_preview" not in at.session_state
