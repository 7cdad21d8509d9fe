"""Running a sweep on Ray: trials as Ray tasks, bounded by a share of the CPUs, cancellable.

``SweepRun(spec)`` starts a thread of its own that asks for Ray (``playground.backends.ray_cluster``:
a local Ray on this machine's usable CPUs, or a cluster's address). Ray itself is started by the
process's ``ray-owner`` thread, never by the sweep's: it outlives every sweep, so the end of a
sweep cannot take Ray, or the server, with it. The sweep's thread keeps trials in flight up to
its slots: ``cpu_share`` of the cluster's CPUs (``SWEEP_CPU_SHARE``, half, for the pages, so live
runs keep the rest; all of them for the CLI), counted over every sweep of the process together.
It collects each result as it arrives and submits the next. Trials not yet submitted are
*queued*, those in flight *running*. ``progress()`` is what a page polls (a copy: safe from any
thread); ``cancel()`` stops submitting and cancels the trials in flight, also while Ray is still
starting; ``join()`` waits for the thread. Nothing here blocks the caller.

``start_sweep`` admits at most ``MAX_SWEEPS_AT_ONCE`` unfinished sweeps per process; one more
is refused with ``SweepsBusyError`` (a "busy, try again" line), before any work starts.
"""
from __future__ import annotations

import math
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace

from playground.errors import PlaygroundError
from playground.backends.ray_cluster import cluster_cpus, start_connect
from playground.sweeps.grid import Progress, SweepSpec, TrialResult, run_trial

POLL_S = 0.25
SWEEP_CPU_SHARE = 0.5       # of the cluster's CPUs, for all of a server's sweeps together
MAX_SWEEPS_AT_ONCE = 2      # unfinished sweeps per server process

SHARED_NOTE = "Waiting for a free CPU: another sweep on this server holds the sweeps' share."

_sweeps_lock = threading.Lock()
_admitted = 0               # sweeps started by start_sweep and not yet finished
_trials_in_flight = 0       # over every sweep of this process


class SweepsBusyError(PlaygroundError):
    """The server already runs as many sweeps as it allows."""


def sweep_slots(cpus: int, share: float = SWEEP_CPU_SHARE) -> int:
    """Trials in flight at once for ``cpus`` CPUs: ``share`` of them, at least one."""
    return max(1, math.floor(cpus * share))


def sweeps_running() -> int:
    """Sweeps of this process admitted and not yet finished."""
    with _sweeps_lock:
        return _admitted

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

    def __init__(self, spec: SweepSpec, address: str | None = None, slots: int | None = None,
                 cpu_share: float = SWEEP_CPU_SHARE, admitted: bool = False):
        self.admitted = admitted          # counted by start_sweep's admission until it finishes
        self.spec = spec
        self.configs = spec.trials()
        self.address = address
        self.ray = None
        self.slots = slots
        self.cpu_share = cpu_share
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
        """Stop: queued trials are never started, running ones are cancelled.

        The progress says so at once (finished, "Cancelled."), whatever Ray takes to stop the
        trials in flight; the sweep's thread gives back their CPUs as it ends.
        """
        with self._lock:
            if self._progress.finished:
                return
            self._cancel.set()
            progress = self._progress
            progress.cancelled += progress.running + progress.queued
            progress.running = progress.queued = 0
            progress.note = "Cancelled."
            progress.elapsed = time.monotonic() - self._start
            progress.finished = True

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
            ray = self.ray = self._await_ray()
            if ray is not None:
                self.slots = self.slots or sweep_slots(cluster_cpus(), self.cpu_share)
                task = remote_trial()
                self._count(note=None)
            while ray is not None and (pending or in_flight) and not self._cancel.is_set():
                while pending and len(in_flight) < self.slots and _take_trial_slot(self.slots):
                    index, config = pending.pop()
                    try:
                        ref = task.remote(config, self.spec.steps, self.spec.val_every, self.spec.threshold, index)
                    except BaseException:
                        _give_trial_slots(1)
                        raise
                    in_flight[ref] = (index, config)
                self._count(running=len(in_flight), queued=len(pending), note=None if in_flight else SHARED_NOTE)
                if not in_flight:                 # every slot is another sweep's: wait for one
                    self._cancel.wait(POLL_S)
                    continue
                ready, _ = ray.wait(list(in_flight), num_returns=1, timeout=POLL_S)
                for ref in ready:
                    index, config = in_flight.pop(ref)
                    _give_trial_slots(1)
                    self._collect(ref, index, config)
            if self._cancel.is_set():
                for ref in in_flight:
                    ray.cancel(ref, force=True)     # a trial keeps nothing worth a graceful stop: free its CPU now
            self._count(running=len(in_flight), queued=len(pending))     # a no-op once cancelled
        except Exception as err:  # noqa: BLE001 — a lost cluster ends the sweep with a message, not a dead thread
            detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
            self._count(running=0, queued=0, cancelled=len(pending) + len(in_flight),
                        note=f"The sweep stopped: {detail}")          # a no-op once cancelled
        finally:
            _give_trial_slots(len(in_flight))
            with self._lock:
                if not self._progress.finished:
                    self._progress.elapsed = time.monotonic() - self._start
                self._progress.finished = True
            if self.admitted:
                _end_admission()

    def _await_ray(self):
        """The ``ray`` module once the ``ray-owner`` thread has it; None when cancelled meanwhile."""
        future = start_connect(self.address)
        while not self._cancel.is_set():
            try:
                return future.result(timeout=POLL_S)
            except FutureTimeout:
                continue
        return None

    def _collect(self, ref, index: int, config) -> None:
        try:
            result = self.ray.get(ref)
        except Exception as err:  # noqa: BLE001 — the trial's own failure becomes its row's error
            detail = str(err).strip().splitlines()[-1][:200] if str(err).strip() else type(err).__name__
            result = TrialResult(index, config.to_dict(), error=detail)
        with self._lock:
            if self._progress.finished:           # cancelled meanwhile: counted as cancelled already
                return
            self._progress.results.append(result)
            self._progress.done += 1
            self._progress.failed += result.error is not None

    def _count(self, **counts) -> None:
        with self._lock:
            if self._progress.finished:           # cancelled: the counts were settled by cancel()
                return
            for key, value in counts.items():
                setattr(self._progress, key, value)


def _take_trial_slot(slots: int) -> bool:
    """Count one more trial in flight unless the process's sweeps already hold ``slots``."""
    global _trials_in_flight
    with _sweeps_lock:
        if _trials_in_flight >= slots:
            return False
        _trials_in_flight += 1
        return True


def _give_trial_slots(count: int) -> None:
    global _trials_in_flight
    with _sweeps_lock:
        _trials_in_flight -= count


def start_sweep(spec: SweepSpec, address: str | None = None, cpu_share: float = SWEEP_CPU_SHARE) -> SweepRun:
    """Start ``spec`` on Ray and return at once (Ray's failures show in ``progress().note``).

    SweepsBusyError when this process already runs ``MAX_SWEEPS_AT_ONCE`` sweeps.
    """
    if spec.size() == 0:
        raise PlaygroundError("the sweep has no trials")
    global _admitted
    with _sweeps_lock:
        if _admitted >= MAX_SWEEPS_AT_ONCE:
            raise SweepsBusyError(f"the server is running {_admitted} sweeps, its limit; try again in a few minutes")
        _admitted += 1
    try:
        return SweepRun(spec, address, cpu_share=cpu_share, admitted=True)
    except BaseException:
        _end_admission()
        raise


def _end_admission() -> None:
    global _admitted
    with _sweeps_lock:
        _admitted -= 1
