"""Sweep admission without Ray: a server-wide cap on sweeps at once, a share of the CPUs, Cancel while Ray starts."""
from concurrent.futures import Future

import pytest

from playground.sweeps import runner
from playground.sweeps.grid import spec_from_strings
from playground.sweeps.runner import MAX_SWEEPS_AT_ONCE, SweepsBusyError, start_sweep, sweep_slots, sweeps_running

SPEC = spec_from_strings({"arch": "rnn", "seed": "0,1"}, steps=5)


@pytest.fixture
def ray_never_starts(monkeypatch):
    """Ray's start never completes: the sweeps wait for it until they are cancelled."""
    monkeypatch.setattr(runner, "start_connect", lambda address=None: Future())


def test_a_sweep_takes_half_the_cpus_and_at_least_one():
    assert [sweep_slots(cpus) for cpus in (1, 2, 3, 16)] == [1, 1, 1, 8]
    assert sweep_slots(16, share=1.0) == 16


def test_the_server_runs_at_most_its_cap_of_sweeps_and_admits_again_when_one_ends(ray_never_starts):
    runs = [start_sweep(SPEC) for _ in range(MAX_SWEEPS_AT_ONCE)]
    try:
        assert sweeps_running() == MAX_SWEEPS_AT_ONCE
        busy = f"running {MAX_SWEEPS_AT_ONCE} sweeps, its limit; try again"
        with pytest.raises(SweepsBusyError, match=busy) as caught:
            start_sweep(SPEC)
        assert "\n" not in str(caught.value)
        runs[0].cancel()                                    # Cancel works while Ray is still starting
        assert runs[0].join(10)
        progress = runs[0].progress()
        assert progress.finished and progress.note == "Cancelled." and progress.cancelled == 2
        runs.append(start_sweep(SPEC))
    finally:
        for run in runs:
            run.cancel()
            assert run.join(10)
    assert sweeps_running() == 0


class StuckRay:
    """A Ray whose ``wait`` blocks until ``unblock`` is set: a cluster slow to answer."""

    def __init__(self):
        import threading

        self.unblock, self.waiting, self.cancelled = threading.Event(), threading.Event(), []

    def wait(self, refs, num_returns=1, timeout=None):
        self.waiting.set()
        self.unblock.wait(30)
        return [], refs

    def cancel(self, ref, force=False):
        self.cancelled.append((ref, force))


def test_cancel_shows_at_once_while_ray_is_slow_and_frees_the_cpus_when_the_thread_ends(monkeypatch):
    stuck = StuckRay()
    ready = Future()
    ready.set_result(stuck)
    monkeypatch.setattr(runner, "start_connect", lambda address=None: ready)
    monkeypatch.setattr(runner, "cluster_cpus", lambda: 2)
    monkeypatch.setattr(runner, "remote_trial", lambda: type("Task", (), {"remote": staticmethod(lambda *a: object())}))
    run = start_sweep(SPEC)
    try:
        assert stuck.waiting.wait(10)                       # one trial in flight, Ray not answering
        run.cancel()
        progress = run.progress()                           # at once, whatever Ray does
        assert progress.finished and progress.note == "Cancelled."
        assert (progress.running, progress.queued, progress.cancelled) == (0, 0, 2)
        assert sweeps_running() == 1                        # the thread still holds its admission ...
    finally:
        stuck.unblock.set()
    assert run.join(10)
    assert sweeps_running() == 0 and runner._trials_in_flight == 0     # ... and gives it back as it ends
    assert [force for _, force in stuck.cancelled] == [True]           # the trial in flight is stopped
    assert run.progress().note == "Cancelled."
