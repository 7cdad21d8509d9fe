"""No run is left held in the backend by a refused or interrupted page: counted in the backend.

A page that makes runs either stores every run it made or closes them, whatever cuts it short:
a refusal of the second of three runs on /compare, or a rerun that stops /language or
/interventions during "Training…". The count of runs the backend holds is the proof.
"""
from __future__ import annotations

import pytest
import streamlit
from streamlit.runtime.scriptrunner_utils.exceptions import StopException

from page_runner import open_page
from playground.backends import default_backend
from playground.backends.cost import check_cost
from playground.config import RunConfig
from playground.tasks import make_task
from playground.ui.keys import LANGUAGE_RUN, LIVE_RUN

COMPARE = {"task": "adding", "seq_len": "8", "hidden": "4", "batch": "4"}


def held() -> int:
    """Runs the server's backend holds (built in a worker and not closed)."""
    return default_backend().load()["runs"]


def test_compare_closes_the_first_run_when_the_second_is_refused(monkeypatch):
    pool = default_backend()
    config = RunConfig(arch="rnn", task="adding", seq_len=8, hidden=4, batch=4)
    one_run = check_cost(config, make_task(config)).memory_mb
    used = sum(pool._memory.values())
    monkeypatch.setattr(pool, "memory_budget_mb", used + one_run * 1.5)    # room for the first of three only
    before = held()
    at = open_page("compare.py", query=COMPARE)
    for _ in range(3):                                                    # every rerun tries again
        assert any("Cannot build these runs" in e.value for e in at.error)
        assert held() == before, "a refused comparison left a run held in the backend"
        at.run()
    assert not any(key.startswith("compare_") and at.session_state[key] is not None
                   for key in ("compare_rnn", "compare_gru", "compare_lstm") if key in at.session_state)


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
    before = held()
    monkeypatch.setattr(streamlit, "progress", lambda *args, **kwargs: CutShortBar())
    at.button(key=button).click().run()
    assert not at.exception
    assert key not in at.session_state or at.session_state[key] is None
    assert held() == before, "a run cut short during training stayed held in the backend"
