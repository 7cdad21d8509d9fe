"""A run's insides keep up with its step counter: one slow probe does not space out the next ones."""
import time

from playground.backends.worker import PROBE_COSTS_KEPT, Worker
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.tasks.chartext import CharTextTask

SLOW_S = 0.6        # a probe stretched by a busy machine (or a cold start) to this long


class Pipe:
    """The worker's results pipe, kept in a list."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def slow_once(monkeypatch, nth=1):
    """The ``nth`` probe from now of any run takes at least SLOW_S seconds; others take their own time."""
    real, calls = LiveRun.record_probe, []

    def record_probe(self):
        calls.append(1)
        if len(calls) == nth:
            time.sleep(SLOW_S)
        return real(self)

    monkeypatch.setattr(LiveRun, "record_probe", record_probe)


def submitted(worker):
    """A small character model, submitted to ``worker`` as run 1."""
    task = CharTextTask.from_text("the cat sat on the mat. " * 20, seq_len=12)
    worker.submit(1, RunConfig(task="charlm", arch="lstm", seq_len=12, hidden=8, batch=4), task, None)
    return worker.runs[1]


def test_a_slow_cold_probe_on_submit_does_not_set_the_cadence(monkeypatch):
    worker = Worker(0, Pipe())
    slow_once(monkeypatch, nth=2)                     # the 1st is the run's own, as it is built
    wrun = submitted(worker)
    assert "snapshot" in worker.results.sent[-1]
    assert wrun.probe_cost < SLOW_S / 10


def test_one_slow_probe_during_training_does_not_hold_the_next_ones_back(monkeypatch):
    worker = Worker(0, Pipe())
    wrun = submitted(worker)
    for _ in range(PROBE_COSTS_KEPT):                 # a run that has been probing at its usual cost
        wrun.run.tick(budget_s=0.0, max_steps=1, record=False)
        worker.publish(wrun, probe=True)
    usual = max(wrun.probe_costs)
    slow_once(monkeypatch)
    wrun.run.tick(budget_s=0.0, max_steps=1, record=False)
    worker.publish(wrun, probe=True)
    # the next probe still comes after the usual interval (cost / PROBE_SHARE), not SLOW_S / PROBE_SHARE
    assert wrun.probe_cost <= usual < SLOW_S / 2
    assert worker.results.sent[-1]["snapshot"].step == wrun.run.step_count
