"""Find the unit headless: ranks the session model's units, refuses hostile patterns, silences a unit."""
from streamlit.testing.v1 import AppTest

from page_runner import open_page
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.ui.keys import LIVE_RUN


def open_units(run=None) -> AppTest:
    """The Find the unit page, with ``run`` as the session's live run."""
    return open_page("units", state={LIVE_RUN: run} if run is not None else None)


def test_char_model_ranking_hostile_pattern_and_silence_link():
    run = LiveRun(RunConfig(arch="lstm", task="charlm", seq_len=20, hidden=12, batch=4))
    at = open_units(run)
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert "A random unit's |r|" in labels and "Inside, unit silenced" in labels
    assert len(at.dataframe[0].value) == 10
    at.selectbox(key="us_preset").set_value("your own regular expression").run()
    at.text_input(key="us_regex").set_value(r"(a)\1").run()
    assert not at.exception and "backreferences" in at.error[0].value
    at.text_input(key="us_regex").set_value("a" * 250).run()         # a paste longer than the limit: a note
    assert not at.exception and "250 characters long; at most 200" in at.error[0].value
    at.text_input(key="us_regex").set_value("(").run()
    assert not at.exception and "not a valid regular expression" in at.error[0].value
    at.selectbox(key="us_preset").set_value("first character of a line").run()
    unit = at.radio(key="us_unit").value
    at.button(key="us_silence").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["iv_units"] == str(unit)
    assert any(h.value.startswith("Edit: unit") for h in at.subheader)
    assert not at.warning                      # no "default value and Session State" clash
    assert "Loss with the edit" in [m.label for m in at.metric]


def test_memory_task_window_and_between_marks():
    run = LiveRun(RunConfig(arch="gru", task="adding", seq_len=20, hidden=8, batch=4))
    at = open_units(run)
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="us_condition").set_value("between marks").run()
    assert not at.exception and not at.error and len(at.dataframe[0].value) == 8


def test_without_a_model_the_page_says_how_to_get_one():
    at = open_units()
    assert not at.exception and "no trained model" in at.info[0].value
