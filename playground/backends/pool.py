"""The embedded training backend: a pool of worker processes on this machine.

``ProcessPool`` implements ``playground.backends.interface.TrainingBackend``. It starts one worker per
CPU this process may use (``playground.backends.cpus.usable_cpus``), each in a fresh (spawned)
interpreter, and places each new run on the worker hosting the fewest runs. A reader
thread merges what the workers publish into one ``RunView`` per run; a monitor thread
replaces a worker that died (its runs get an error and can be reset; no other run is
touched) and pauses runs that nobody has looked at for ``IDLE_PAUSE_S``. The views, and the
waiting on them, are ``playground.backends.run_views.RunViews``'s, as in the Ray backend.

Admission: a run over the per-run cost limit (``playground.backends.cost``) is refused; a server whose
runs would need more than ``MEMORY_BUDGET_MB`` refuses new runs; at most ``RUNS_PER_WORKER``
runs train at once on a worker — a run asked to train beyond that waits in a first-come
queue, and its page shows how many are ahead.
"""
from __future__ import annotations

import atexit
import multiprocessing as mp
import multiprocessing.connection as mp_connection
import pickle
import threading
import time

from playground.config import CUSTOM_TASK, RunConfig
from playground.backends.cost import check_cost
from playground.backends.cpus import usable_cpus
from playground.backends.interface import RunView
from playground.backends.run_views import IDLE_NOTE, IDLE_PAUSE_S, RunViews
from playground.backends.worker_process import WorkerSlot, spawn_worker
from playground.errors import AdmissionError, TrainerLostError
from playground.backends.process_wide import ProcessWide

RUNS_PER_WORKER = 8        # runs training at once on one worker (each gets at least 1/8 of it); more wait
MEMORY_BUDGET_MB = 4096    # estimated memory of all runs the server holds
MONITOR_EVERY_S = 0.5


class ProcessPool(RunViews):
    """Live runs trained in worker processes; see the module docstring."""

    def __init__(self, workers: int | None = None, runs_per_worker: int = RUNS_PER_WORKER,
                 memory_budget_mb: float = MEMORY_BUDGET_MB, idle_pause_s: float = IDLE_PAUSE_S):
        super().__init__(idle_pause_s)
        self.size = workers or usable_cpus()
        self.runs_per_worker = runs_per_worker
        self.memory_budget_mb = memory_budget_mb
        self._ctx = mp.get_context("spawn")
        self._placement: dict[int, int] = {}        # run id -> worker index
        self._memory: dict[int, float] = {}         # run id -> estimated MB
        self._granted: set[int] = set()             # runs allowed to train now
        self._queue: list[int] = []                 # runs waiting to train, first come first
        self._until: dict[int, int | None] = {}     # run id -> step cap of its "run" command
        self._workers: list[WorkerSlot] = []
        for index in range(self.size):
            self._workers.append(spawn_worker(self._ctx, index))
        threading.Thread(target=self._read, name="pool-reader", daemon=True).start()
        threading.Thread(target=self._monitor, name="pool-monitor", daemon=True).start()

    # --- the backend interface ------------------------------------------------------------
    def submit(self, config: RunConfig, task, weights=None, resume=None) -> int:
        """Place a new paused run on the least loaded worker; AdmissionError when refused."""
        cost = check_cost(config, task)
        with self._lock:
            used = sum(self._memory.values())
            if used + cost.memory_mb > self.memory_budget_mb:
                raise AdmissionError(f"This server is full (its runs use about {used:,.0f} of "
                                     f"{self.memory_budget_mb:,.0f} MB); try again in a few minutes.")
            self._replace_dead()
            run_id = next(self._ids)
            worker = min(self._workers, key=lambda w: (len(w.runs), w.index))
            worker.runs.add(run_id)
            self._placement[run_id] = worker.index
            self._memory[run_id] = cost.memory_mb
            self._views[run_id] = RunView(run_id, config)
            worker.commands.put(("submit", run_id, config, task if config.task == CUSTOM_TASK else None, weights,
                                 resume))
        return run_id

    def command(self, run_id: int, name: str, **args) -> int:
        """Send a command; "run" goes through the queue of runs waiting for a free trainer."""
        with self._lock:
            self._commandable(run_id, name, "this run was closed; press Reset to start a new one")
            if name == "run":
                return self._set_wanted(run_id, bool(args.get("wanted")), args.get("until"))
            return self._send(run_id, name, args)

    def close(self, run_id: int) -> None:
        """Free the run on its worker; its view keeps its counters but lets go of the arrays."""
        with self._lock:
            if not self._close_view(run_id):
                return
            self._release(run_id)
            index = self._placement.pop(run_id, None)
            self._memory.pop(run_id, None)
            if index is not None:
                self._workers[index].runs.discard(run_id)
                self._workers[index].commands.put(("close", run_id))
            self._lock.notify_all()

    # --- status ---------------------------------------------------------------------------
    def load(self) -> dict:
        """Workers, runs held, runs training and waiting: for a health view and the tests."""
        with self._lock:
            return {"workers": self.size, "runs": len(self._placement), "training": len(self._granted),
                    "waiting": len(self._queue), "pids": [w.process.pid for w in self._workers]}

    def load_factor(self) -> float:
        """Runs training per worker (at least 1): pages stretch their redraw intervals by it.

        A server whose runs share its workers also shares its own CPU (and, in a test or a
        demo on one machine, the browsers' CPU) among their pages, so a crowded server asks
        each page for proportionally fewer redraws.
        """
        with self._lock:
            return max(1.0, len(self._granted) / self.size)

    def worker_of(self, run_id: int) -> mp.Process | None:
        """The process training ``run_id`` (tests kill it to check failure isolation)."""
        with self._lock:
            index = self._placement.get(run_id)
            return None if index is None else self._workers[index].process

    def shutdown(self) -> None:
        """Stop every worker."""
        self._stopped = True
        for worker in self._workers:
            try:
                worker.commands.put(("stop",))
            except (OSError, ValueError):
                pass
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()

    # --- queue of runs waiting for a trainer (call with the lock held) --------------------
    def _has_trainer(self, run_id: int) -> bool:
        return run_id in self._placement

    def _send(self, run_id: int, name: str, args: dict) -> int:
        seq = next(self._seq)
        index = self._placement.get(run_id)
        if index is None:
            raise TrainerLostError("the trainer of this run stopped; press Reset to start again")
        self._workers[index].commands.put(("command", run_id, seq, name, args))
        return seq

    def _set_wanted(self, run_id: int, wanted: bool, until: int | None = None) -> int:
        view = self._views[run_id]
        view.wanted = wanted
        if wanted:
            view.error = view.note = None
            self._until[run_id] = until
            if run_id in self._granted:                          # already training: a new step cap only
                self._last_run_seq[run_id] = self._send(run_id, "run", {"wanted": True, "until": until})
                return self._last_run_seq[run_id]
            if run_id not in self._queue:
                self._queue.append(run_id)
            self._grant()
            if run_id in self._granted:
                return self._last_run_seq[run_id]
            self._update_positions()
            return 0                                             # waiting: nothing sent yet
        self._release(run_id)
        if run_id not in self._placement:                        # its trainer is gone: nothing trains it
            return 0
        seq = self._send(run_id, "run", {"wanted": False})
        self._last_run_seq[run_id] = seq
        return seq

    def _grant(self) -> None:
        for run_id in list(self._queue):
            index = self._placement.get(run_id)
            if index is None:
                self._queue.remove(run_id)
                continue
            busy = sum(1 for r in self._granted if self._placement.get(r) == index)
            if busy < self.runs_per_worker:
                self._queue.remove(run_id)
                self._granted.add(run_id)
                self._views[run_id].queue_position = None
                self._last_run_seq[run_id] = self._send(run_id, "run", {"wanted": True,
                                                                        "until": self._until.get(run_id)})
        self._update_positions()

    def _update_positions(self) -> None:
        for position, run_id in enumerate(self._queue):
            self._views[run_id].queue_position = position

    def _release(self, run_id: int) -> None:
        self._granted.discard(run_id)
        if run_id in self._queue:
            self._queue.remove(run_id)
        self._views[run_id].queue_position = None
        self._grant()

    # --- threads --------------------------------------------------------------------------
    def _read(self) -> None:
        while not self._stopped:
            with self._lock:
                slots = {w.results: w for w in self._workers if w.results is not None}
            for conn in mp_connection.wait(list(slots), timeout=0.5):
                slot = slots[conn]
                try:
                    message = conn.recv()
                except (EOFError, OSError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
                    slot.results = None                  # the worker died (mid-message, perhaps): the monitor replaces it
                    conn.close()
                    continue
                with self._lock:
                    if self._workers[slot.index] is slot:
                        self._merge_from(slot, message)
                    self._lock.notify_all()

    def _merge_from(self, worker: WorkerSlot, message: dict) -> None:
        if "ready" in message:
            worker.ready = True
            return
        view = self._views.get(message["run"])
        if view is None or view.closed or self._placement.get(view.run_id) != worker.index:
            return
        if self._merge(view, [message]) and view.run_id in self._granted:
            view.wanted = False
            self._release(view.run_id)

    def _monitor(self) -> None:
        while not self._stopped:
            time.sleep(MONITOR_EVERY_S)
            with self._lock:
                self._replace_dead()
                now = time.monotonic()
                for run_id in list(self._granted) + list(self._queue):
                    view = self._views[run_id]
                    if self._unwatched(view, now):
                        self._set_wanted(run_id, False)
                        view.note = IDLE_NOTE
                self._lock.notify_all()

    def _replace_dead(self) -> None:
        for worker in list(self._workers):
            if not worker.process.is_alive() and not self._stopped:
                self._replace(worker)

    def _replace(self, worker: WorkerSlot) -> None:
        code = worker.process.exitcode
        for run_id in list(worker.runs):
            self._lose(self._views[run_id], f"The trainer process of this run stopped (exit code {code}); the last "
                                            "state it published is shown. Press Reset to start again.")
            self._granted.discard(run_id)
            if run_id in self._queue:
                self._queue.remove(run_id)
            self._placement.pop(run_id, None)
            self._memory.pop(run_id, None)
        self._workers[worker.index] = spawn_worker(self._ctx, worker.index)
        self._grant()


def _start_pool() -> ProcessPool:
    pool = ProcessPool()
    atexit.register(pool.shutdown)
    return pool


POOL: ProcessWide[ProcessPool] = ProcessWide(_start_pool)


def default_pool() -> ProcessPool:
    """The process-wide pool, started on first use and stopped at exit."""
    return POOL.get()
