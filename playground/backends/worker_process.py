"""Starting one worker process of the embedded pool, and what the pool knows about it.

Each worker runs ``playground.backends.worker.worker_main`` in a fresh (spawned) interpreter,
takes commands from its own queue and publishes on its own pipe, so a worker killed
mid-message cannot jam the others.
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
from dataclasses import dataclass, field

from playground.backends.worker import worker_main


@dataclass
class WorkerSlot:
    """One worker process and what the pool knows about it."""

    index: int
    process: mp.Process
    commands: object
    results: object                                 # the receiving end of the worker's own pipe
    runs: set[int] = field(default_factory=set)
    ready: bool = False


def spawn_worker(ctx, index: int) -> WorkerSlot:
    """Start worker ``index`` with the multiprocessing context ``ctx`` (spawn); its slot."""
    commands = ctx.Queue()
    receive, send = ctx.Pipe(duplex=False)           # one pipe per worker: a killed one cannot jam the others
    process = ctx.Process(target=worker_main, args=(index, commands, send, os.getpid()),
                          name=f"rnn-playground-worker-{index}", daemon=True)
    with _worker_as_main():
        process.start()
    send.close()                                     # the worker holds the only sending end: EOF when it dies
    return WorkerSlot(index, process, commands, receive)


@contextlib.contextmanager
def _worker_as_main():
    """Let a spawned worker import ``playground.backends.worker`` as its main module, not the page.

    A spawned interpreter re-imports the parent's ``__main__``; under Streamlit (and AppTest)
    that is the page script being run, which must not run again inside a worker.
    """
    with _spawn_lock:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = sys.modules["playground.backends.worker"]
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


_spawn_lock = threading.Lock()
