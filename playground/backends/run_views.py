"""What every training backend keeps of its runs: one ``RunView`` each, and the waiting on them.

``RunViews`` is the base of ``playground.backends.pool.ProcessPool`` and
``playground.backends.ray_backend.RayBackend``. It holds the views under one condition
(``_lock``); the backend's reader thread merges what the trainers publish into them
(``_merge``) and notifies, and ``wait`` / ``wait_published`` block on that condition until a
command took effect or something new was published. A run whose trainer is lost keeps its
last view with an error (``_lose``); a run that nobody reads for ``IDLE_PAUSE_S`` is paused
with ``IDLE_NOTE``. A subclass says whether a run still has a trainer (``_has_trainer``).
"""
from __future__ import annotations

import itertools
import threading
import time

from playground.backends.interface import COMMANDS, RunView, apply_publication
from playground.errors import TrainerLostError

IDLE_PAUSE_S = 60.0        # a training run that no page has read for this long is paused
IDLE_NOTE = "Paused: nobody was watching this run."


class RunViews:
    """The views of a backend's runs, merged from publications, and the waits on them (a base class)."""

    def __init__(self, idle_pause_s: float = IDLE_PAUSE_S):
        self.idle_pause_s = idle_pause_s
        self._lock = threading.Condition()
        self._views: dict[int, RunView] = {}
        self._last_run_seq: dict[int, int] = {}     # run id -> seq of its last "run" command
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._stopped = False

    def _has_trainer(self, run_id: int) -> bool:
        """Whether a worker or actor still hosts ``run_id`` (call with the lock held)."""
        raise NotImplementedError

    # --- the waiting half of the backend interface ------------------------------------------
    def latest(self, run_id: int) -> RunView:
        """The run's view; reading it marks the run as watched."""
        with self._lock:
            view = self._views[run_id]
            view.last_read = time.monotonic()
            return view

    def peek(self, run_id: int) -> RunView:
        """The run's view, without marking it as watched (an idle sweep reads it so)."""
        with self._lock:
            return self._views[run_id]

    def wait(self, run_id: int, seq: int, timeout: float) -> bool:
        """Wait until the trainer applied ``seq`` (or the run was closed or lost its trainer)."""
        with self._lock:
            view = self._views[run_id]
            self._lock.wait_for(lambda: view.acked >= seq or view.closed or not self._has_trainer(run_id), timeout)
            return view.acked >= seq

    def wait_published(self, run_id: int, version: int, timeout: float) -> bool:
        """Wait until the run's view is newer than ``version``."""
        with self._lock:
            return self._lock.wait_for(lambda: self._views[run_id].version > version, timeout)

    # --- for the subclasses (call with the lock held) ---------------------------------------
    def _commandable(self, run_id: int, name: str, closed_message: str) -> RunView:
        """The view of a run that can take command ``name``: ValueError for an unknown command,
        TrainerLostError (``closed_message``) for a closed run."""
        if name not in COMMANDS:
            raise ValueError(f"unknown command {name!r}")
        view = self._views[run_id]
        if view.closed:
            raise TrainerLostError(closed_message)
        return view

    def _close_view(self, run_id: int) -> bool:
        """Close the run's view (its counters stay, its arrays go); False when it was closed already."""
        view = self._views.get(run_id)
        if view is None or view.closed:
            return False
        view.close()
        return True

    def _merge(self, view: RunView, messages: list[dict]) -> bool:
        """Apply the trainer's publications to ``view``; True when the run stopped training on its own.

        It stopped on its own (diverged, or paused at its step cap) when the last "run" command
        sent to it took effect and it no longer runs.
        """
        for message in messages:
            apply_publication(view, message)
        settled = view.acked >= self._last_run_seq.get(view.run_id, 0)
        return bool(messages) and settled and not view.running

    def _unwatched(self, view: RunView, now: float) -> bool:
        """Whether ``view`` wants training that no page has read for ``idle_pause_s``."""
        return view.wanted and now - view.last_read > self.idle_pause_s

    @staticmethod
    def _lose(view: RunView, error: str) -> None:
        """Mark the run's trainer lost: it stops, keeps its last published state and shows ``error``."""
        view.error = error
        view.wanted = view.running = False
        view.version += 1
