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
