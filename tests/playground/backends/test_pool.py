"""The worker pool with real worker processes: commands exactly once, Pause holds, failures stay put.

Every wait is on a condition (a published state) with a generous bound, never on a sleep.
"""
from __future__ import annotations

import pytest

from playground.config import RunConfig
from playground.errors import AdmissionError, TrainerLostError
from playground.backends.pool import ProcessPool
from playground.backends.run_handle import RunHandle
from playground.tasks import make_task
from worker_pool import BOUND_S, started_pool

SMALL = dict(task="adding", seq_len=10, hidden=8, batch=8)


@pytest.fixture(scope="module")
def pool():
    yield from started_pool(2)


def until(pool, run_id, condition, timeout=BOUND_S):
    """Wait for publications until ``condition(view)`` holds; fail after ``timeout`` seconds."""
    import time
    deadline = time.monotonic() + timeout
    while not condition(pool.latest(run_id)):
        left = deadline - time.monotonic()
        assert left > 0, f"condition not met within {timeout} s: {pool.latest(run_id)}"
        pool.wait_published(run_id, pool.latest(run_id).version, min(left, 1.0))
    return pool.latest(run_id)


def handle(pool, **changes) -> RunHandle:
    run = RunHandle(pool, RunConfig(**{**SMALL, **changes}))
    assert run.wait_ready(BOUND_S) and run.snapshot is not None and run.step_count == 0
    return run


def test_a_doubled_step_steps_once_and_steps_are_exact(pool):
    run = handle(pool)
    run.step_to(1)
    run.step_to(1)                                  # the same click delivered twice
    assert run.step_count == 1 and len(run.history_frame()) == 1
    run.step_to(5)
    assert run.step_count == 5 and run.snapshot.step == 5
    assert list(run.history_frame()["step"]) == [1, 2, 3, 4, 5]
    run.close()


def test_the_step_counter_never_moves_after_pause_is_acknowledged(pool):
    run = handle(pool)
    for _ in range(3):
        run.set_running(True)
        until(pool, run.run_id, lambda v: v.step >= 30 and v.running)
        run.set_running(False)                      # returns once the worker applied it
        paused = run.step_count
        run.set_running(False)                      # a doubled Pause is still a Pause
        run.step_to(paused + 2)                     # had training gone on, the count would pass paused + 2
        assert run.step_count == paused + 2 and not run.running
        assert run.history_frame()["step"].iloc[-1] == paused + 2
    run.close()


def test_live_settings_apply_without_a_reset(pool):
    run = handle(pool)
    run.step_to(2)
    run.apply_live_settings(run.config.replace(lr=0.002, clip=1.0))
    run.step_to(3)
    assert (run.config.lr, run.config.clip, run.step_count) == (0.002, 1.0, 3)
    assert run.history_frame()["lr"].iloc[-1] == 0.002
    run.close()


def test_a_step_cap_stops_a_running_run_exactly(pool):
    run = handle(pool)
    run.set_running(True, until=40)
    view = until(pool, run.run_id, lambda v: v.step == 40 and v.snapshot.step == 40)
    assert view.wanted and view.step == 40
    run.set_running(True, until=55)
    until(pool, run.run_id, lambda v: v.step == 55)
    run.set_running(False)
    assert run.step_count == 55
    run.close()


def test_a_killed_worker_costs_its_runs_only(pool):
    victim, other = handle(pool), handle(pool, seed=1)
    assert pool.worker_of(victim.run_id).pid != pool.worker_of(other.run_id).pid    # one run per worker
    other.set_running(True)
    victim.set_running(True)
    until(pool, victim.run_id, lambda v: v.step > 5)
    pool.worker_of(victim.run_id).kill()
    view = until(pool, victim.run_id, lambda v: v.error is not None)
    assert "stopped" in view.error and "Reset" in view.error and not victim.running
    with pytest.raises(TrainerLostError):
        victim.step_to(victim.step_count + 1)
    before = other.step_count
    until(pool, other.run_id, lambda v: v.step > before + 20)          # the other session trains on
    fresh = handle(pool)                                               # Reset: a new run, on a live worker
    fresh.step_to(1)
    assert fresh.step_count == 1
    for run in (other, fresh, victim):
        run.set_running(False)
        run.close()
    assert pool.load()["workers"] == 2


def test_a_closed_run_is_freed(pool):
    held = pool.load()["runs"]
    run = handle(pool)
    assert pool.load()["runs"] == held + 1
    run.close()
    assert pool.load()["runs"] == held and run.view.closed
    with pytest.raises(TrainerLostError):
        run.set_running(True)


def test_divergence_stops_the_run_with_its_last_finite_weights(pool):
    run = handle(pool, arch="rnn", activation="relu", init="spectral", radius=3.0, lr=10.0, optimizer="sgd",
                 seq_len=30)
    run.set_running(True)
    view = until(pool, run.run_id, lambda v: v.error is not None)
    assert "lower the learning rate" in view.error and not view.wanted and not run.running
    assert pool.load()["training"] == 0 or run.run_id not in pool._granted
    run.close()


def test_too_costly_a_run_is_refused_naming_the_setting():
    with pytest.raises(AdmissionError, match=r"Lower (batch|seq_len|hidden)"):
        config = RunConfig(hidden=256, seq_len=400, batch=256, layers=3)
        ProcessPool.submit(object.__new__(ProcessPool), config, make_task(config))


def test_a_full_queue_makes_runs_wait_their_turn():
    pool = ProcessPool(workers=1, runs_per_worker=1)
    try:
        first, second, third = (handle(pool, seed=k) for k in range(3))
        first.set_running(True)
        second.set_running(True)
        third.set_running(True)
        assert (first.queue_position, second.queue_position, third.queue_position) == (None, 0, 1)
        until(pool, first.run_id, lambda v: v.step > 10)
        assert second.step_count == 0 and third.step_count == 0     # waiting runs do not train
        first.set_running(False)                                     # the slot goes to the first in line
        until(pool, second.run_id, lambda v: v.step > 10)
        assert second.queue_position is None and third.queue_position == 0
        second.close()                                               # closing frees the slot too
        until(pool, third.run_id, lambda v: v.step > 10)
        third.set_running(False)
    finally:
        pool.shutdown()


def test_a_server_over_its_memory_budget_refuses_new_runs():
    pool = ProcessPool(workers=1, memory_budget_mb=0.001)
    try:
        with pytest.raises(AdmissionError, match="server is full"):
            pool.submit(RunConfig(**SMALL), make_task(RunConfig(**SMALL)))
            pool.submit(RunConfig(**SMALL), make_task(RunConfig(**SMALL)))
    finally:
        pool.shutdown()


def test_a_run_nobody_watches_pauses():
    pool = ProcessPool(workers=1, idle_pause_s=1.0)
    try:
        run = handle(pool)
        run.set_running(True)
        view = pool._views[run.run_id]                 # read without touching: nobody is watching
        import time
        deadline = time.monotonic() + BOUND_S
        while view.wanted:
            assert time.monotonic() < deadline
            pool.wait_published(run.run_id, view.version, 1.0)
        assert run.note and "nobody was watching" in run.note
    finally:
        pool.shutdown()


def test_training_time_is_shared_fairly_between_a_big_and_a_small_run():
    pool = ProcessPool(workers=1)
    try:
        small, big = handle(pool), handle(pool, hidden=128, seq_len=100, batch=64, seed=1)
        small.set_running(True)
        big.set_running(True)
        until(pool, big.run_id, lambda v: v.history.get("seconds") is not None and v.history["seconds"].sum() > 2.0,
              timeout=120)
        small.set_running(False)
        big.set_running(False)
        spent = {name: run.history_frame()["seconds"].sum() for name, run in (("small", small), ("big", big))}
        assert 0.5 < spent["small"] / spent["big"] < 2.0, spent
    finally:
        pool.shutdown()
