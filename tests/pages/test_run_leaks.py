"""No run is left held in the backend by a refused or interrupted page: counted in the backend.

A page that makes runs either stores every run it made or closes them, whatever cuts it short:
a refusal of the second of three runs on /compare, or a rerun that stops /language or
/interventions during "Training…". The proof is the backend's own count: of the runs made
during the test, none is still held.
"""
from __future__ import annotations

import pytest
import streamlit
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from page_runner import open_page
from playground.backends import default_backend
from playground.errors import AdmissionError
from playground.ui.keys import LANGUAGE_RUN, LIVE_RUN

COMPARE = {"task": "adding", "seq_len": "8", "hidden": "4", "batch": "4"}


def newest_run() -> int:
    """The id of the latest run the server's backend made so far."""
    pool = default_backend()
    with pool._lock:
        return max(pool._views, default=0)


def held_since(run_id: int) -> int:
    """Runs made after ``run_id`` that the backend still holds (built in a worker and not closed)."""
    pool = default_backend()
    with pool._lock:
        return sum(1 for held in pool._placement if held > run_id)


def test_compare_closes_the_first_run_when_the_second_is_refused(monkeypatch):
    pool = default_backend()
    submit = pool.submit

    def refuse_all_but_the_vanilla_rnn(config, *args, **kwargs):
        if config.arch != "rnn":
            raise AdmissionError("This server is full; try again in a few minutes.")
        return submit(config, *args, **kwargs)

    monkeypatch.setattr(pool, "submit", refuse_all_but_the_vanilla_rnn)
    before = newest_run()
    at = open_page("compare.py", query=COMPARE)
    for _ in range(3):                                                    # every rerun tries again
        assert any("Cannot build these runs" in e.value for e in at.error)
        assert newest_run() > before and held_since(before) == 0, "a refused comparison left a run held"
        at.run()
    assert all(at.session_state[key] is None for key in ("compare_rnn", "compare_gru", "compare_lstm")
               if key in at.session_state)


class CutShortBar:
    """A progress bar whose first redraw meets a rerun's stop, as a click during "Training…" does."""

    def progress(self, *args, **kwargs):
        raise StopException()

    def empty(self):
        pass


@pytest.mark.parametrize("page, button, key", [("language.py", "lang_train", LANGUAGE_RUN),
                                               ("interventions.py", "iv_train", LIVE_RUN)])
def test_a_run_cut_short_during_training_is_closed_not_left_running(monkeypatch, page, button, key):
    at = open_page(page)
    before = newest_run()
    monkeypatch.setattr(streamlit, "progress", lambda *args, **kwargs: CutShortBar())
    at.button(key=button).click().run()
    assert not at.exception
    assert key not in at.session_state or at.session_state[key] is None
    assert newest_run() > before and held_since(before) == 0, "a run cut short during training stayed held in the backend"
