"""The cluster training backend: each live run is a Ray actor (``TrainingBackend`` on Ray).

Chosen by ``playground.backends.default_backend`` when ``RNN_PLAYGROUND_RAY_ADDRESS`` names a
cluster; the pages do not change. A ``RunActor`` hosts one run in the same ``Worker`` the
embedded pool uses (``playground.backends.worker``: the same commands, applied in order and exactly
once, the same training slices and publications), driven by a thread of its own inside the
actor. The actor keeps its publications in an outbox; a reader thread here asks every actor
for its outbox a few times a second and merges each answer into the run's ``RunView``
(``playground.backends.interface.apply_publication``), as the pool's reader does with its pipes.
The reader waits on all the actors' answers together (``ray.wait``) and never on one alone:
an actor slow to answer delays only its own run, and its request stays in flight (one per
actor) until it answers or Ray reports the actor dead, which loses that run only.

Each actor asks Ray for ``RUN_CPUS`` of a CPU, so a cluster node hosts about 1 / RUN_CPUS live
runs and Ray places new ones on the nodes with room. A run whose actor Ray has not placed yet
(the cluster is full) has never answered: it reads as *queued* (``queue_position``: the unplaced
runs submitted before it), never as a stopped trainer, and starts once Ray finds it room.
Closing a run kills its actor, which gives its CPU share back at once. A run that nobody reads
for ``IDLE_PAUSE_S`` is paused, as in the pool; the views, and the waiting on them, are
``playground.backends.run_views.RunViews``'s, as the pool's are.
"""
from __future__ import annotations

import queue
import threading
import time

from playground.config import CUSTOM_TASK, RunConfig
from playground.backends.cost import check_cost
from playground.backends.interface import RunView
from playground.backends.ray_cluster import cluster_cpus, connect
from playground.backends.run_views import IDLE_NOTE, IDLE_PAUSE_S, RunViews
from playground.errors import TrainerLostError
from playground.backends.process_wide import ProcessWide

RUN_CPUS = 0.125          # a live run's share of a CPU (the pool trains up to 8 runs per worker)
DRAIN_EVERY_S = 0.1       # how often the reader collects the actors' publications
READER_STOP_S = 30.0      # the reader's last round (a wait of DRAIN_EVERY_S, then its answers) ends well within this


class RunActor:
    """One live run inside a Ray actor: a ``Worker`` hosting it, trained by the actor's own thread."""

    def __init__(self, run_id: int, config: RunConfig, task=None, weights=None, resume=None):
        import torch

        from playground.backends.worker import Worker

        torch.set_num_threads(1)
        self.run_id = run_id
        self.inbox: queue.Queue = queue.Queue()
        self.outbox: list[dict] = []
        self.lock = threading.Lock()
        self.worker = Worker(0, self)
        self.worker.handle(("submit", run_id, config, task, weights, resume))
        threading.Thread(target=self._loop, name="run", daemon=True).start()

    def send(self, message: dict) -> None:
        """The Worker's publication channel: keep the message until the next ``drain``."""
        with self.lock:
            self.outbox.append(message)

    def command(self, seq: int, name: str, args: dict) -> None:
        """Queue a command for the training thread (applied in order, exactly once)."""
        self.inbox.put(("command", self.run_id, seq, name, args))

    def drain(self) -> list[dict]:
        """Every publication since the last drain, oldest first."""
        with self.lock:
            out, self.outbox = self.outbox, []
        return out

    def _loop(self) -> None:
        worker = self.worker
        while True:
            try:
                message = self.inbox.get(timeout=0.5) if not worker.running() else self.inbox.get_nowait()
            except queue.Empty:
                message = None
            while message is not None:
                worker.handle(message)
                try:
                    message = self.inbox.get_nowait()
                except queue.Empty:
                    message = None
            worker.train_slice()


class RayBackend(RunViews):
    """Live runs as Ray actors; see the module docstring."""

    def __init__(self, address: str | None = None, run_cpus: float = RUN_CPUS, idle_pause_s: float = IDLE_PAUSE_S):
        super().__init__(idle_pause_s)
        self.ray = connect(address)
        self.run_cpus = run_cpus
        self._actor_class = self.ray.remote(num_cpus=run_cpus, max_restarts=0)(RunActor)
        self._actors: dict[int, object] = {}
        self._placed: set[int] = set()          # runs whose actor has answered at least once
        self._reader = threading.Thread(target=self._read, name="ray-reader", daemon=True)
        self._reader.start()

    # --- the backend interface ------------------------------------------------------------
    def submit(self, config: RunConfig, task, weights=None, resume=None) -> int:
        """Start an actor for a new paused run; AdmissionError when it is over the per-run cost limit."""
        check_cost(config, task)
        with self._lock:
            run_id = next(self._ids)
            self._views[run_id] = RunView(run_id, config)
            self._actors[run_id] = self._actor_class.remote(run_id, config,
                                                            task if config.task == CUSTOM_TASK else None, weights,
                                                            resume)
        return run_id

    def command(self, run_id: int, name: str, **args) -> int:
        """Send a command to the run's actor; returns its sequence number."""
        gone = "this run's trainer is gone; press Reset to start a new one"
        with self._lock:
            view = self._commandable(run_id, name, gone)
            actor = self._actors.get(run_id)
            if actor is None:
                raise TrainerLostError(gone)
            seq = next(self._seq)
            if name == "run":
                view.wanted = bool(args.get("wanted"))
                if view.wanted:
                    view.error = view.note = None
                self._last_run_seq[run_id] = seq
            actor.command.remote(seq, name, args)
            return seq

    def close(self, run_id: int) -> None:
        """Kill the run's actor (its CPU share is free at once); the view keeps its counters."""
        with self._lock:
            if not self._close_view(run_id):
                return
            actor = self._actors.pop(run_id, None)
            self._placed.discard(run_id)
            self._lock.notify_all()
        if actor is not None:
            self.ray.kill(actor)

    # --- status ---------------------------------------------------------------------------
    def load(self) -> dict:
        """Trainers (the cluster's CPUs), runs held, training, and waiting for a place on the cluster."""
        with self._lock:
            open_views = [self._views[r] for r in self._actors]
        training = sum(1 for v in open_views if v.wanted and v.running)
        waiting = sum(1 for v in open_views if (v.wanted and not v.running) or v.queue_position is not None)
        return {"workers": cluster_cpus(), "runs": len(open_views), "training": training, "waiting": waiting,
                "pids": []}

    def load_factor(self) -> float:
        """Runs training per cluster CPU (at least 1), as the pool's."""
        load = self.load()
        return max(1.0, load["training"] / load["workers"])

    def actor_of(self, run_id: int):
        """The actor handle of ``run_id`` (None once closed): tests check it is gone after close."""
        with self._lock:
            return self._actors.get(run_id)

    def shutdown(self) -> None:
        """Close every run, and return once the reader thread has made its last call to Ray.

        Ray ends the whole process when a thread calls it after ``ray.shutdown()``, so whoever
        leaves Ray after this (a tool, a test) must find the reader gone, not mid-``ray.wait``.
        """
        self._stopped = True
        for run_id in list(self._actors):
            self.close(run_id)
        if self._reader is not threading.current_thread():
            self._reader.join(timeout=READER_STOP_S)

    # --- the reader thread ----------------------------------------------------------------
    def _has_trainer(self, run_id: int) -> bool:
        return run_id in self._actors

    def _read(self) -> None:
        asked: dict[int, object] = {}          # run id -> its actor's drain request still in flight
        while not self._stopped:
            began = time.monotonic()
            with self._lock:
                actors = dict(self._actors)
            asked = {run_id: ref for run_id, ref in asked.items() if run_id in actors}
            for run_id, actor in actors.items():
                if run_id not in asked:
                    asked[run_id] = actor.drain.remote()
            ready = []
            if asked:
                ready, _ = self.ray.wait(list(asked.values()), num_returns=len(asked), timeout=DRAIN_EVERY_S)
            run_of = {ref: run_id for run_id, ref in asked.items()}
            for ref in ready:
                run_id = run_of[ref]
                del asked[run_id]
                try:
                    messages = self.ray.get(ref)       # answered: returns at once, or raises the actor's end
                except Exception as err:  # noqa: BLE001 — a lost actor costs its own run only
                    self._lost(run_id, err)
                    continue
                self._absorb(run_id, messages)
            self._mark_queued(sorted(run_id for run_id in asked if run_id not in self._placed))
            time.sleep(max(0.0, DRAIN_EVERY_S - (time.monotonic() - began)))

    def _absorb(self, run_id: int, messages: list[dict]) -> None:
        """Merge one actor's answer into its view (the actor is placed: no longer queued)."""
        with self._lock:
            view = self._views[run_id]
            if view.closed:
                return
            self._placed.add(run_id)
            view.queue_position = None
            if self._merge(view, messages):
                view.wanted = False
            if self._unwatched(view, time.monotonic()):
                self._pause_idle(run_id, view)
            self._lock.notify_all()

    def _mark_queued(self, unplaced: list[int]) -> None:
        """Runs whose actor never answered wait for a place on the cluster: their place in that queue."""
        with self._lock:
            for position, run_id in enumerate(unplaced):
                view = self._views[run_id]
                if not view.closed:
                    view.queue_position = position      # read by polling pages; not a publication

    def _pause_idle(self, run_id: int, view: RunView) -> None:
        seq = next(self._seq)
        view.wanted = False
        view.note = IDLE_NOTE
        self._last_run_seq[run_id] = seq
        self._actors[run_id].command.remote(seq, "run", {"wanted": False})

    def _lost(self, run_id: int, err: Exception) -> None:
        with self._lock:
            view = self._views[run_id]
            if view.closed or run_id not in self._actors:
                return
            detail = str(err).strip().splitlines()[0][:160] if str(err).strip() else type(err).__name__
            self._lose(view, f"The trainer of this run on the cluster stopped ({detail}); the last state it "
                             "published is shown. Press Reset to start again.")
            self._actors.pop(run_id, None)
            self._lock.notify_all()


BACKEND: ProcessWide[RayBackend] = ProcessWide(RayBackend)


def default_ray_backend(address: str | None = None) -> RayBackend:
    """The process-wide Ray backend, connected on first use (to the first caller's ``address``)."""
    return BACKEND.get(address)
