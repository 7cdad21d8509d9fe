"""One session's live runs, counted against one cap, and the sweep that parks idle runs.

Every page that makes a run (Train, Compare, Talk, the teaching pages, Save & load) opens it
through its session's ``SessionLedger``, so a visitor holds at most ``MAX_LIVE_RUNS`` runs in
the backend whatever pages and tabs of the session they use. A run paused and unread for
``IDLE_PARK_S`` is parked (saved to its resume state and freed in the backend,
``RunHandle.park``); it comes back, exactly, when its page reads it again. When a new run
needs a place and the session is at its cap, the session's least recently read paused run is
parked to make room; when every run of the session is training, the new one is refused with
a one-line message naming the cap. Parked runs hold no place.

A sweep (or anything else that should count as one live run) holds a place through ``hold``.
When the session ends (``end``), the run kept for its browser (``keep_for_browser``) is saved
for that browser's next session (``playground.backends.saved_runs``) and the rest are closed.
"""
from __future__ import annotations

import contextlib
import threading
import time
import weakref
from typing import Callable

from playground.errors import AdmissionError

MAX_LIVE_RUNS = 4          # per session: the Compare page's three and the Train page's one
IDLE_PARK_S = 180.0        # a paused run nobody read for this long is saved and freed
SWEEP_EVERY_S = 5.0


class Hold:
    """A place in a ledger held by something that is not a run (a sweep); ``release`` frees it,
    and so does the end of what it holds for, once ``lasts_while`` has named how to see that."""

    def __init__(self, ledger: "SessionLedger", what: str):
        self.ledger, self.what = ledger, what
        self._going_on: Callable[[], bool] | None = None

    def lasts_while(self, going_on: Callable[[], bool]) -> None:
        """Hold the place only while ``going_on()`` is true (a sweep that has finished holds none)."""
        self._going_on = going_on

    def held(self) -> bool:
        """True while the place is taken: until released, or until what it holds for has ended."""
        return self._going_on is None or bool(self._going_on())

    def release(self) -> None:
        """Give the place back (twice is harmless)."""
        self.ledger.forget(self)


class SessionLedger:
    """The runs (``RunHandle``s) and holds of one session, at most ``cap`` of them live at once."""

    def __init__(self, cap: int | None = None, idle_park_s: float | None = None):
        self.cap = MAX_LIVE_RUNS if cap is None else cap
        self.idle_park_s = IDLE_PARK_S if idle_park_s is None else idle_park_s
        self._lock = threading.RLock()
        self._members: list = []                  # RunHandles and Holds, oldest first
        self._replaced: list = []                 # runs about to be replaced: they hold no place meanwhile
        self._kept: tuple | None = None           # (browser token, run) saved when the session ends
        _LEDGERS.add(self)
        _start_sweeper()

    # --- what the session holds ---------------------------------------------------------------
    def live(self) -> list:
        """The members that hold a place now: open, unparked runs and holds."""
        with self._lock:
            return [m for m in self._members if (m.held() if isinstance(m, Hold) else not (m.parked or _closed(m)))]

    def runs(self) -> list:
        """Every run of the session, parked or not (closed ones are forgotten)."""
        with self._lock:
            return [m for m in self._members if not isinstance(m, Hold) and not _closed(m)]

    # --- admission ----------------------------------------------------------------------------
    def make_room(self, newcomer, what: str = "run") -> None:
        """Admit ``newcomer`` (a RunHandle about to submit, or a Hold): park the session's least
        recently read paused run if the cap is reached; AdmissionError when every place trains."""
        with self._lock:
            others = self._others(newcomer)
            while len(others) >= self.cap:
                idle = sorted((m for m in others if not isinstance(m, Hold) and _paused(m)),
                              key=lambda m: getattr(m.peek(), "last_read", 0.0))
                if not any(m.park() for m in idle[:1]):
                    raise AdmissionError(
                        f"This session already has {self.cap} live run{'s' if self.cap != 1 else ''} training, "
                        f"the most one visitor may hold; pause or reset one (on Train, Compare, Talk or a "
                        f"teaching page) to start this {what}.")
                others = self._others(newcomer)
            if newcomer not in self._members:
                self._members.append(newcomer)

    def _others(self, newcomer) -> list:
        return [m for m in self.live() if m is not newcomer and not any(m is r for r in self._replaced)]

    @contextlib.contextmanager
    def replacing(self, runs):
        """Within the block, ``runs`` (about to be replaced by the runs opened in it) hold no place:
        a Reset or a change of settings at the cap is not refused for the run it replaces."""
        self._replaced = [r for r in runs if r is not None]
        try:
            yield
        finally:
            self._replaced = []

    def hold(self, what: str = "sweep") -> Hold:
        """A place for something that is not a run (a sweep counts as one live run); AdmissionError at the cap."""
        held = Hold(self, what)
        self.make_room(held, what)
        return held

    def forget(self, member) -> None:
        """A closed run or a released hold leaves the ledger."""
        with self._lock:
            self._members = [m for m in self._members if m is not member]

    # --- idle runs and the end of the session -----------------------------------------------
    def park_idle(self, idle_s: float | None = None) -> int:
        """Park every paused run unread for ``idle_s`` (default ``idle_park_s``); how many were parked."""
        limit = self.idle_park_s if idle_s is None else idle_s
        return sum(1 for run in self.runs() if not run.parked and run.park(limit))

    def keep_for_browser(self, token: str | None, run) -> None:
        """When the session ends, save ``run`` for the browser ``token`` instead of dropping it
        (``playground.backends.saved_runs``); None forgets the choice."""
        self._kept = None if token is None or run is None else (token, run)

    def end(self) -> None:
        """The session ended: save the run kept for its browser (in the background), close the rest."""
        kept = self._kept
        if kept is not None and any(run is kept[1] for run in self.runs()):
            from playground.backends.saved_runs import saved_runs

            self.forget(kept[1])
            saved_runs().save_later(*kept)
        self.close_all()

    def close_all(self) -> None:
        """Close every run of the session and release its holds (the session ended)."""
        with self._lock:
            members, self._members = self._members, []
        for member in members:
            if isinstance(member, Hold):
                continue
            member.close()


def _closed(run) -> bool:
    view = run.peek()
    return view is not None and view.closed


def _paused(run) -> bool:
    view = run.peek()
    return view is not None and not view.wanted and not view.closed


_LEDGERS: "weakref.WeakSet[SessionLedger]" = weakref.WeakSet()
_sweeper: threading.Thread | None = None
_sweeper_lock = threading.Lock()


def _start_sweeper() -> None:
    """Start the one thread that parks idle runs of every session (once per process)."""
    global _sweeper
    with _sweeper_lock:
        if _sweeper is None:
            _sweeper = threading.Thread(target=_sweep_forever, name="idle-run-sweeper", daemon=True)
            _sweeper.start()


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_EVERY_S)
        for ledger in list(_LEDGERS):
            try:
                ledger.park_idle()
            except Exception:  # noqa: BLE001 — one session's failure must not end the sweep for the others
                continue
