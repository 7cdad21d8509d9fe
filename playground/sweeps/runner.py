"""Running a sweep on Ray: trials as Ray tasks, at most one per CPU at a time, cancellable.

``SweepRun(spec)`` starts a thread of its own that connects to Ray (``playground.backends.ray_cluster``:
a local Ray on this machine's usable CPUs, or a cluster's address; a page's script thread
never waits for that) and keeps as many trials in flight
as the cluster has CPUs, collects each result as it arrives and submits the next. Trials not
yet submitted are *queued*, those in flight *running*. ``progress()`` is what a page polls (a
copy: safe from any thread); ``cancel()`` stops submitting and cancels the trials in flight;
``join()`` waits for the thread. Nothing here blocks the caller.
"""
from __future__ import annotations

import threading
import time
from dataclasses import replace

from playground.errors import PlaygroundError
from playground.backends.ray_cluster import cluster_cpus, connect
from playground.sweeps.grid import Progress, SweepSpec, TrialResult, run_trial

POLL_S = 0.25

_remote_trial = None


def remote_trial():
    """``run_trial`` as a Ray task (one CPU, no retries: a trial that fails is reported, not repeated)."""
    global _remote_trial
    if _remote_trial is None:
        import ray

        _remote_trial = ray.remote(num_cpus=1, max_retries=0)(run_trial)
    return _remote_trial


class SweepRun:
    """One sweep in progress; see the module docstring."""

    def __init__(self, spec: SweepSpec, address: str | None = None, slots: int | None = None):
        self.spec = spec
        self.configs = spec.trials()
        self.address = address
        self.ray = None
        self.slots = slots
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._progress = Progress(total=len(self.configs), queued=len(self.configs))
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._drive, name="sweep", daemon=True)
        self._thread.start()

    # --- what callers use -------------------------------------------------------------------
    def progress(self) -> Progress:
        """A copy of the counts and the results so far (results in the order they arrived)."""
        with self._lock:
            copy = replace(self._progress, results=list(self._progress.results))
        if not copy.finished:
            copy.elapsed = time.monotonic() - self._start
        return copy

    def cancel(self) -> None:
        """Stop: queued trials are never started, running ones are cancelled."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the sweep finished or was cancelled; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    # --- the driving thread -----------------------------------------------------------------
    def _drive(self) -> None:
        pending = list(enumerate(self.configs))[::-1]      # popped from the end: trial order
        in_flight: dict = {}
        try:
            self._count(note="Starting Ray…")
            ray = self.ray = connect(self.address)
            self.slots = self.slots or cluster_cpus()
            task = remote_trial()
            self._count(note=None)
            while (pending or in_flight) and not self._cancel.is_set():
                while pending and len(in_flight) < self.slots:
                    index, config = pending.pop()
                    ref = task.remote(config, self.spec.steps, self.spec.val_every, self.spec.threshold, index)
                    in_flight[ref] = (index, config)
                self._count(running=len(in_flight), queued=len(pending))
                ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=POLL_S)
                for ref in ready:
                    index, config = in_flight.pop(ref)
                    self._collect(ref, index, config)
            self._count(running=len(in_flight), queued=len(pending))
            if self._cancel.is_set():
                for ref in in_flight:
                    ray.cancel(ref)
                self._count(running=0, queued=0, cancelled=len(pending) + len(in_flight),
                            note="Cancelled.")
        except Exception as err:  # noqa: BLE001 — a lost cluster ends the sweep with a message, not a dead thread
            detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
            self._count(running=0, queued=0, cancelled=len(pending) + len(in_flight), note=f"The sweep stopped: {detail}")
        finally:
            with self._lock:
                self._progress.elapsed = time.monotonic() - self._start
                self._progress.finished = True

    def _collect(self, ref, index: int, config) -> None:
        try:
            result = self.ray.get(ref)
        except Exception as err:  # noqa: BLE001 — the trial's own failure becomes its row's error
            detail = str(err).strip().splitlines()[-1][:200] if str(err).strip() else type(err).__name__
            result = TrialResult(index, config.to_dict(), error=detail)
        with self._lock:
            self._progress.results.append(result)
            self._progress.done += 1
            self._progress.failed += result.error is not None

    def _count(self, **counts) -> None:
        with self._lock:
            for key, value in counts.items():
                setattr(self._progress, key, value)


def start_sweep(spec: SweepSpec, address: str | None = None) -> SweepRun:
    """Start ``spec`` on Ray and return at once (Ray's failures show in ``progress().note``)."""
    if spec.size() == 0:
        raise PlaygroundError("the sweep has no trials")
    return SweepRun(spec, address)
