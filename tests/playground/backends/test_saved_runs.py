"""Runs saved for a browser when its session ends: bounded on disk, and restored exactly."""
from __future__ import annotations

import os

import numpy as np
import pytest

from playground.backends import saved_runs as saved_module
from playground.backends.ledger import SessionLedger
from playground.backends.pool import ProcessPool
from playground.backends.run_handle import RunHandle
from playground.backends.saved_runs import SavedRuns
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.io import export
from playground.tasks import make_task

SMALL = RunConfig(arch="gru", task="adding", seq_len=10, hidden=8, batch=8, seed=7)
BOUND_S = 60.0


def task_for(name, config):
    return make_task(config)


def test_a_session_that_ends_leaves_its_run_for_the_browser_to_take_back_exactly(tmp_path, monkeypatch):
    store = SavedRuns(tmp_path)
    monkeypatch.setattr(saved_module.STORE, "_value", store)
    straight = LiveRun(SMALL)
    straight.step_to(50)
    pool = ProcessPool(workers=1)
    try:
        ledger = SessionLedger()
        run = RunHandle(pool, SMALL, ledger=ledger)
        other = RunHandle(pool, SMALL.replace(seed=8), ledger=ledger)
        assert run.wait_ready(BOUND_S) and other.wait_ready(BOUND_S)
        run.step_to(20)
        assert run.park(idle_s=0.0)                             # parked runs are saved without coming back
        parked_id = run.run_id
        ledger.keep_for_browser("b" * 32, run)
        ledger.end()                                            # a reload: the session's caches are released
        data = store.read("b" * 32, wait_s=BOUND_S)
        assert run.run_id == parked_id                          # it was not brought back to be saved
        assert data is not None and other.view.closed and run.view.closed
        assert pool.load()["runs"] == 0                         # nothing stays held in the backend
        back = export.import_run(data, task_for, lambda c, t, w, r: RunHandle(pool, c, t, w, r))
        assert back.wait_ready(BOUND_S) and back.step_count == 20
        back.step_to(50)
        state = back.resume_state()
        for name, value in straight.net.state_dict().items():
            assert np.array_equal(state["weights"][name], value.numpy()), name
        assert np.array_equal(back.history_frame()["loss"].to_numpy(), straight.history_frame()["loss"].to_numpy())
        back.close()
    finally:
        pool.shutdown()
    assert store.read("someone else", wait_s=0) is None


def test_the_store_is_bounded_in_count_and_bytes_oldest_first(tmp_path):
    run = LiveRun(SMALL)
    run.quiet_config = lambda: run.config                      # what a RunHandle offers the store
    data = export.weights_bytes(run)
    store = SavedRuns(tmp_path, max_runs=3, max_bytes=10 * len(data))
    for k in range(5):
        assert store.save(f"{k:032d}", run)
        newest = store._path(f"{k:032d}")
        os.utime(newest, (1000 + k, 1000 + k))                  # distinct ages on a coarse clock
    assert store.count()[0] == 3
    assert [store.read(f"{k:032d}", wait_s=0) is not None for k in range(5)] == [False, False, True, True, True]
    small = SavedRuns(tmp_path / "small", max_runs=10, max_bytes=2 * len(data) + 10)
    (tmp_path / "small").mkdir()
    for k in range(4):
        assert small.save(f"{k:032d}", run)
        os.utime(small._path(f"{k:032d}"), (1000 + k, 1000 + k))
    files, size = small.count()
    assert files == 2 and size <= small.max_bytes


def test_a_run_that_cannot_hand_over_its_state_is_not_saved(tmp_path):
    class Broken:
        def quiet_config(self):
            return SMALL

        def resume_state(self):
            from playground.errors import TrainerLostError
            raise TrainerLostError("gone")

    assert not SavedRuns(tmp_path).save("x" * 32, Broken())
    assert SavedRuns(tmp_path).count() == (0, 0)
