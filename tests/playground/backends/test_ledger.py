"""A session's ledger of live runs: the cap, parking idle runs and bringing them back exactly.

Real worker processes; every wait is on a published state with a generous bound.
"""
from __future__ import annotations

import numpy as np
import pytest

from playground.backends.ledger import SessionLedger
from playground.backends.run_handle import RunHandle
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.errors import AdmissionError
from worker_pool import BOUND_S, started_pool

SMALL = RunConfig(arch="lstm", task="adding", seq_len=10, hidden=8, batch=8, seed=4)


@pytest.fixture(scope="module")
def pool():
    yield from started_pool(1)


def held(pool) -> int:
    """Runs the backend holds (built in a worker and not closed)."""
    return pool.load()["runs"]


def opened(pool, ledger, config=SMALL) -> RunHandle:
    run = RunHandle(pool, config, ledger=ledger)
    assert run.wait_ready(BOUND_S)
    return run


def test_a_parked_run_comes_back_exactly_as_if_never_parked(pool):
    straight = LiveRun(SMALL)
    straight.step_to(70)
    ledger = SessionLedger(cap=2)
    run = opened(pool, ledger)
    before = held(pool)
    run.step_to(30)
    steps_recorded = [r.step for r in run.records]
    assert run.park(idle_s=0.0) and run.parked
    assert held(pool) == before - 1 and ledger.live() == []         # its worker memory and its place are free
    assert run.peek() is None and run.parked                         # an idle sweep's look brings nothing back
    run.step_to(70)                                                  # the reader comes back: restored, then trained
    assert not run.parked and run.step_count == 70 and held(pool) == before
    assert set(steps_recorded) <= {r.step for r in run.records}      # the views over training keep their past
    state = run.resume_state()
    for name, value in straight.net.state_dict().items():
        assert np.array_equal(state["weights"][name], value.numpy()), name
    ours, theirs = run.history_frame(), straight.history_frame()
    assert list(ours["step"]) == list(theirs["step"]) == list(range(1, 71))
    assert np.array_equal(ours["loss"].to_numpy(), theirs["loss"].to_numpy())
    run.close()
    assert held(pool) == before - 1 and ledger.runs() == []


def test_only_paused_unread_runs_are_parked(pool):
    ledger = SessionLedger(cap=3)
    training, paused = opened(pool, ledger), opened(pool, ledger)
    training.set_running(True)
    assert ledger.park_idle(idle_s=3600.0) == 0                     # read just now: not idle
    assert ledger.park_idle(idle_s=0.0) == 1 and paused.parked and not training.parked
    assert not paused.running and paused.parked                   # asking whether it trains does not wake it
    ledger.close_all()
    assert ledger.runs() == [] and training.view.closed


def test_the_cap_parks_a_paused_run_and_refuses_when_every_run_trains(pool):
    ledger = SessionLedger(cap=2)
    first, second = opened(pool, ledger), opened(pool, ledger)
    first.set_running(True)
    before = held(pool)
    third = opened(pool, ledger)                                     # the paused second makes room
    assert second.parked and held(pool) == before and len(ledger.live()) == 2
    third.set_running(True)
    with pytest.raises(AdmissionError, match="already has 2 live runs training"):
        RunHandle(pool, SMALL, ledger=ledger)
    assert held(pool) == before and len(ledger.runs()) == 3         # a refused run holds nothing
    with pytest.raises(AdmissionError, match="2 live runs"):
        second.set_running(True)                                     # coming back needs a place too
    assert second.parked and "cannot come back yet" in second.view.note
    third.set_running(False)
    second.set_running(True)                                         # now the paused third makes room
    assert third.parked and not second.parked and second.running
    ledger.close_all()
    assert held(pool) == before - 2


def test_a_sweep_holds_one_place(pool):
    ledger = SessionLedger(cap=1)
    hold = ledger.hold("sweep")
    with pytest.raises(AdmissionError, match="start this run"):
        RunHandle(pool, SMALL, ledger=ledger)
    hold.release()
    run = opened(pool, ledger)
    run.set_running(True)
    with pytest.raises(AdmissionError, match="start this sweep"):
        ledger.hold("sweep")
    run.close()


def test_a_hold_whose_sweep_has_ended_holds_no_place_even_unreleased(pool):
    ledger = SessionLedger(cap=1)
    hold = ledger.hold("sweep")
    going_on = [True]
    hold.lasts_while(lambda: going_on[0])
    with pytest.raises(AdmissionError, match="start this run"):
        RunHandle(pool, SMALL, ledger=ledger)
    going_on[0] = False                              # the sweep finished; nobody has looked at the page since
    run = opened(pool, ledger)
    assert ledger.live() == [run]
    run.close()
