"""The session's cap on live runs holds across pages: a run over it is refused with one line naming
the cap, and the session's other run keeps training."""
from __future__ import annotations

from page_runner import open_page


def test_a_teaching_page_run_over_the_sessions_cap_is_refused_and_the_train_run_goes_on(monkeypatch):
    at = open_page("train.py", query={"arch": "gru", "task": "adding", "seq_len": "8", "hidden": "4", "batch": "4"})
    run = at.session_state["live_run"]
    monkeypatch.setattr(run.ledger, "cap", 1)        # the session's ledger (AppTest's sessions share one)
    at.button(key="live_run_start").click().run()
    assert run.running
    at.switch_page("../pages/language.py").run()
    at.button(key="lang_train").click().run()
    assert not at.exception
    assert any("already has 1 live run training" in e.value and "pause or reset one" in e.value for e in at.error)
    assert "language_run" not in at.session_state or at.session_state["language_run"] is None
    assert at.session_state["live_run"] is run and run.running and not run.parked
    run.set_running(False)
    run.close()

