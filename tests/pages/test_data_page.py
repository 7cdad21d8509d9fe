"""The Your data page: an uploaded CSV becomes the 'custom' task that /train trains on."""
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parents[2] / "pages"
# A small navigation of the pages involved, so these tests do not depend on every other page.
NAV = f"""
import streamlit as st
from playground.ui.frame import setup_frame
setup_frame()
st.navigation([st.Page({str(PAGES / 'train.py')!r}, url_path="train", default=True),
               st.Page({str(PAGES / 'data.py')!r}, url_path="data"),
               st.Page({str(PAGES / 'model_io.py')!r}, url_path="model")]).run()
"""


def open_data_page() -> AppTest:
    at = AppTest.from_string(NAV, default_timeout=60)
    at.run()                                   # registers the pages (and runs /train once)
    at.switch_page(str(PAGES / "data.py"))
    return at.run()


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
    run = at.session_state["live_run"]
    assert run.trainer.task is at.session_state["custom_task"] and run.trainer.task.seq_len == 30


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
