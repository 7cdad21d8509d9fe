"""Runs kept for a browser after its session ended, so a reload (or a return) gets its run back.

When a session ends (a reload, a closed tab, a dropped connection), its Train page run is
saved under the browser's random token: its resume state (weights, optimizer, data stream,
history, in the app's own checked weights-file format) goes to a
file in a private temporary folder, never kept in memory, and the run is closed. The next
session of that browser reads the file back through the same checks as an uploaded weights
file and continues the run exactly.

The store is bounded: at most ``MAX_SAVED_RUNS`` files and ``MAX_SAVED_BYTES`` bytes, the
oldest evicted first; one file per browser (a newer save replaces it). Saving happens in a
thread of its own (a session's end must not wait on a worker); a read waits, bounded, for a
save of the same browser still under way.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from pathlib import Path

from playground.errors import PlaygroundError
from playground.io.checkpoint import checkpoint_bytes
from playground.backends.process_wide import ProcessWide

MAX_SAVED_RUNS = 64
MAX_SAVED_BYTES = 512 * 2**20
PENDING_WAIT_S = 20.0      # how long a returning browser waits for the save of its last session


class SavedRuns:
    """A bounded folder of saved runs, one per browser token; see the module docstring."""

    def __init__(self, folder: Path | None = None, max_runs: int = MAX_SAVED_RUNS, max_bytes: int = MAX_SAVED_BYTES):
        self.max_runs, self.max_bytes = max_runs, max_bytes
        self._folder = folder
        self._lock = threading.Condition()
        self._pending: set[str] = set()

    def folder(self) -> Path:
        """The store's folder (private to this user, made on first use, removed at exit)."""
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="rnn-playground-saved-"))
                atexit.register(shutil.rmtree, self._folder, True)
            return self._folder

    def _path(self, token: str) -> Path:
        return self.folder() / (hashlib.sha256(token.encode()).hexdigest()[:40] + ".pt")

    # --- saving -------------------------------------------------------------------------------
    def save(self, token: str, run) -> bool:
        """Write ``run``'s resume state under ``token`` (replacing an older one); False when the
        run could not hand over its state. The oldest files go when the store is over its bounds."""
        try:
            state = dict(run.resume_state())
            data = checkpoint_bytes(run.quiet_config(), run.task.name, state.pop("weights"), state)
        except PlaygroundError:
            return False
        if len(data) > self.max_bytes:
            return False
        path = self._path(token)
        partial = path.with_suffix(".partial")
        partial.write_bytes(data)
        os.replace(partial, path)                     # a reader never sees half a file
        self._evict(keep=path)
        return True

    def save_later(self, token: str, run) -> None:
        """Save ``run`` under ``token`` in a thread of its own, then close it."""
        with self._lock:
            self._pending.add(token)

        def work():
            try:
                self.save(token, run)
            finally:
                run.close()
                with self._lock:
                    self._pending.discard(token)
                    self._lock.notify_all()

        threading.Thread(target=work, name="save-run-for-browser", daemon=True).start()

    def _evict(self, keep: Path) -> None:
        files = sorted(self.folder().glob("*.pt"), key=lambda p: p.stat().st_mtime)
        total = sum(p.stat().st_size for p in files)
        for path in files:
            if len(files) <= self.max_runs and total <= self.max_bytes:
                break
            if path == keep:
                continue
            total -= path.stat().st_size
            files = [p for p in files if p != path]
            path.unlink(missing_ok=True)

    # --- reading ------------------------------------------------------------------------------
    def read(self, token: str, wait_s: float = PENDING_WAIT_S) -> bytes | None:
        """The run saved under ``token`` (waiting, bounded, for a save under way), or None."""
        with self._lock:
            self._lock.wait_for(lambda: token not in self._pending, wait_s)
        path = self._path(token)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def discard(self, token: str) -> None:
        """Forget the run saved under ``token`` (it was taken back)."""
        self._path(token).unlink(missing_ok=True)

    def count(self) -> tuple[int, int]:
        """(files, bytes) the store holds."""
        files = list(self.folder().glob("*.pt"))
        return len(files), sum(p.stat().st_size for p in files)


STORE: ProcessWide[SavedRuns] = ProcessWide(SavedRuns)


def saved_runs() -> SavedRuns:
    """The server's store of saved runs."""
    return STORE.get()
