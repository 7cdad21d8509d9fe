"""The sweep page's limits: one sweep per session, a busy server says so, autostart starts at most one per
session, and the fields are bounded."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from models.architectures import ARCHITECTURES
from page_runner import open_page
from playground.sweeps.grid import MAX_FIELD_CHARS, Progress
from playground.sweeps.runner import SweepsBusyError
from playground.ui import sweep_session


class RunningSweep:
    """A sweep that runs until cancelled (no Ray): what ``start_sweep`` returns in these tests."""

    def __init__(self, spec):
        self.spec = spec
        self.cancelled = False

    def progress(self):
        return Progress(total=self.spec.size(), running=1, queued=self.spec.size() - 1, finished=self.cancelled)

    def cancel(self):
        self.cancelled = True


@pytest.fixture(autouse=True)
def started(monkeypatch):
    """The sweeps the page started, in order; all cancelled at the end, so no test sees another's."""
    runs = []

    def start(spec, *args, **kwargs):
        runs.append(RunningSweep(spec))
        return runs[-1]

    monkeypatch.setattr(sweep_session, "start_sweep", start)
    yield runs
    for run in runs:
        run.cancel()
    AppTest.from_function(forget_the_sweep).run()     # AppTest's sessions share one id: leave no sweep behind


def forget_the_sweep():
    """An app script that empties the session's sweep holder (session caches are read in a script only)."""
    from playground.ui.sweep_session import session_sweep

    session_sweep().cancel()                        # gives back its place in the session's ledger too
    session_sweep().run = None


def press_start(at):
    next(b for b in at.button if b.label == "Start the sweep").click().run()
    assert not at.exception


def test_a_session_starts_no_second_sweep_while_its_first_runs(started):
    at = open_page("sweep")
    press_start(at)
    assert len(started) == 1 and not at.warning
    press_start(at)
    assert len(started) == 1 and not started[0].cancelled
    assert [w.value for w in at.warning] == ["This session's sweep is still running: cancel it or wait for it to end "
                                             "before starting another (one sweep per session)."]


def test_a_busy_server_refuses_a_sweep_in_one_line(monkeypatch):
    def busy(*args, **kwargs):
        raise SweepsBusyError("the server is running 2 sweeps, its limit; try again in a few minutes")

    monkeypatch.setattr(sweep_session, "start_sweep", busy)
    at = open_page("sweep")
    press_start(at)
    assert [w.value for w in at.warning] == ["The server is busy: the server is running 2 sweeps, its limit; "
                                             "try again in a few minutes."]
    assert not at.error


def test_autostart_starts_the_preset_once_per_session(started):
    at = open_page("sweep", {"autostart": "1"})
    assert len(started) == 1
    at.query_params["autostart"] = "1"                 # the same link again in the same session
    at.run()
    assert not at.exception and len(started) == 1


def test_the_text_fields_are_limited_in_the_browser_and_by_the_grid(started):
    at = open_page("sweep")
    for name in sweep_session.GRID_FIELDS:
        assert at.text_input(key=f"sweep_{name}").proto.max_chars == MAX_FIELD_CHARS
    at.text_input(key="sweep_seed").set_value("1," * MAX_FIELD_CHARS)
    press_start(at)
    assert len(at.text_input(key="sweep_seed").value) == MAX_FIELD_CHARS     # the widget kept its limit
    assert len(at.error) == 1 and re.fullmatch(r"Cannot start this sweep: this grid has [0-9,]{5,} trials; the limit "
                                               r"is 500 — use fewer values", at.error[0].value)  # counted, not parsed
    assert not started


def sweeps_held(ledger) -> int:
    """How many places in a session's ledger of live runs are held by sweeps."""
    return sum(1 for member in ledger._members if getattr(member, "what", None) == "sweep")


@pytest.fixture
def places(monkeypatch):
    """The ledger places the page took for its sweeps, in order."""
    taken, take = [], sweep_session.sweep_place
    monkeypatch.setattr(sweep_session, "sweep_place", lambda: taken.append(take()) or taken[-1])
    return taken


def test_a_running_sweep_holds_one_place_in_the_sessions_ledger_until_it_ends(started, places):
    at = open_page("sweep")
    press_start(at)
    ledger = places[0].ledger
    assert sweeps_held(ledger) == 1
    started[0].cancel()                             # the sweep ends: the next look gives its place back
    press_start(at)
    assert len(started) == 2 and len(places) == 2 and sweeps_held(ledger) == 1


def test_a_sweep_over_the_sessions_cap_of_live_runs_is_refused_with_one_line(started, monkeypatch):
    train = open_page("train.py", query={"arch": "gru", "task": "adding", "seq_len": "8", "hidden": "4"})
    ledger = train.session_state["live_run"].ledger  # AppTest's sessions share one id, so one ledger
    monkeypatch.setattr(ledger, "cap", 0)
    at = open_page("sweep")
    press_start(at)
    assert started == [] and sweeps_held(ledger) == 0
    assert len(at.error) == 1 and "live run" in at.error[0].value and "\n" not in at.error[0].value


def test_a_sweep_over_the_scan_cells_starts_with_their_trials(started):
    scan = [name for name, row in ARCHITECTURES.items() if row.fused is None]
    at = open_page("sweep")
    at.multiselect(key="sweep_arch").set_value(scan)          # inside the form: sent with the press
    at.text_input(key="sweep_seq_len").input("10")
    press_start(at)
    assert len(started) == 1 and not at.error
    assert sorted({config.arch for config in started[0].spec.trials()}) == sorted(scan)
