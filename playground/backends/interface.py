"""The boundary between the pages and whatever trains: submit, command, read the latest, close.

Pages never train or probe. They hold a ``RunHandle`` (``playground.backends.run_handle``) that talks
to a ``TrainingBackend``: the embedded default is ``playground.backends.pool.ProcessPool`` (worker
processes on this machine); a cluster engine can implement the same five methods without
touching a page. Commands are idempotent — they set a state, never toggle — so a click that
Streamlit delivers twice, a rerun mid-command or a page switch never double-steps or loses
a Pause:

    ("run", wanted=True|False)      train continuously, or stop after the current slice
         until=n (optional)         ... but not past step n (the compare page keeps runs level)
    ("step_to", target=n)           train until the step counter reads n (no-op if it does)
    ("settings", name=value, ..)    change live settings (``playground.live_settings``) without a reset
    ("save")                        publish what a saved file needs to resume the run
                                    (``RunView.resume``: weights, optimizer, data stream, history)

Each command gets a sequence number; a worker publishes the number of the last command it
applied with every state it publishes, so a caller can wait until its command took effect
(``wait``). A worker publishes a ``RunView``'s fields several times a second while training,
and a probe snapshot at a steady cadence, whoever is watching.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from playground.config import RunConfig
from playground.engine.live import Record
from playground.engine.probe import Snapshot

COMMANDS = ("run", "step_to", "settings", "save")


@dataclass
class RunView:
    """What the pages know of one run: its latest published state, merged on the server side.

    ``wanted`` is what the page asked for (train or not); ``running`` is whether a worker is
    training it now (false while it waits in the queue: ``queue_position`` says how many runs
    are ahead). ``acked`` is the last command the worker applied. ``version`` grows with every
    publication and ``snapshot_version`` with every new probe snapshot, so a page can tell
    whether it has something new to draw. ``history`` holds the bounded per-step columns
    (``playground.engine.history``); ``records`` the light per-probe records, oldest first.
    """

    run_id: int
    config: RunConfig
    step: int = 0
    wanted: bool = False
    running: bool = False
    queue_position: int | None = None
    error: str | None = None
    note: str | None = None
    acked: int = 0
    steps_per_second: float = 0.0
    last_val: float | None = None
    history: dict[str, np.ndarray] = field(default_factory=dict)
    snapshot: Snapshot | None = None
    records: list[Record] = field(default_factory=list)
    weights: dict[str, np.ndarray] | None = None
    weights_step: int = -1
    resume: dict | None = None
    version: int = 0
    snapshot_version: int = 0
    last_read: float = field(default_factory=time.monotonic)
    closed: bool = False

    def idle_s(self, now: float | None = None) -> float:
        """Seconds since a page last read this run."""
        return (time.monotonic() if now is None else now) - self.last_read

    def close(self) -> None:
        """Mark the run closed and let go of its arrays; its counters stay readable."""
        self.closed, self.wanted, self.running = True, False, False
        self.snapshot, self.records, self.weights, self.history, self.resume = None, [], None, {}, None


def apply_publication(view: RunView, message: dict) -> None:
    """Merge one worker publication (``playground.backends.worker.Worker.publish``) into ``view``.

    Counters and history replace the old ones; a probe snapshot comes with the records that are
    new since the last one and the steps of every record the worker still keeps.
    """
    view.acked = max(view.acked, message["acked"])
    for key in ("step", "running", "error", "config", "steps_per_second", "last_val", "history", "resume"):
        if key in message:
            setattr(view, key, message[key])
    if "snapshot" in message:
        view.snapshot = message["snapshot"]
        view.snapshot_version += 1
        kept = {r.step: r for r in view.records}
        kept.update({r.step: r for r in message["records_new"]})
        view.records = [kept[s] for s in message["record_steps"] if s in kept]
        view.weights, view.weights_step = message["weights"], message["step"]
    view.version += 1


class TrainingBackend(Protocol):
    """What trains live runs. Every method returns at once (no training in the caller's thread)."""

    def submit(self, config: RunConfig, task, weights: dict[str, np.ndarray] | None = None,
               resume: dict | None = None) -> int:
        """Create a paused run (its first probe is published soon after); returns its id.

        ``task`` is the run's task, built once by the caller (``playground.tasks.task_of``); it travels
        to the trainer only when the trainer cannot rebuild it (an upload): a worker builds its own;
        ``weights`` (a state dict of arrays) replaces the initial weights (an imported model);
        ``resume`` (``LiveRun.resume_state()`` less its weights) continues a saved run.

        Raises AdmissionError when the run is over the per-run cost limit or the server is full.
        """

    def command(self, run_id: int, name: str, **args) -> int:
        """Send one of ``COMMANDS``; returns its sequence number."""

    def latest(self, run_id: int) -> RunView:
        """The run's latest published state (reading it counts as someone watching)."""

    def peek(self, run_id: int) -> RunView:
        """The run's latest published state, without counting as someone watching."""

    def wait(self, run_id: int, seq: int, timeout: float) -> bool:
        """Block until the worker applied command ``seq`` (True) or ``timeout`` seconds passed."""

    def close(self, run_id: int) -> None:
        """Free the run: its worker forgets it; its last view stays readable."""
