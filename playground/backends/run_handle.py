"""A session's live run as the pages see it: commands go out, the latest published state comes in.

``RunHandle`` never trains or probes: it sends idempotent commands to a ``TrainingBackend``
(``playground.backends.interface``) and reads the run's latest ``RunView``. It offers what the pages
read of a run — config, step count, history, snapshot, records, the task, and a local copy
of the network rebuilt from the weights published with the latest snapshot (for sampling
text, interventions and exports) — so a page draws the same whether the run trains in a
local worker process or on a cluster.

A handle can be parked (``park``): its run is saved to its resume state (weights, optimizer,
data stream, history, probe records) and freed in the backend. The next read or command
brings it back (``playground.backends.parking``), continuing exactly where it stopped; when
it cannot come back yet (the server is full), the page reads the state it was saved with and
a note. A handle opened through a session's ``playground.backends.ledger.SessionLedger`` asks
the ledger for a place before it submits, and leaves it when closed.
"""
from __future__ import annotations

import threading

import numpy as np
import torch

from models.network import build_network
from playground.config import RunConfig
from playground.delegation import delegated
from playground.backends.interface import RunView, TrainingBackend
from playground.backends.parking import ParkedRun, park_state
from playground.errors import PlaygroundError, TrainerLostError
from playground.engine.history import history_frame
from playground.live_settings import live_changes
from playground.tasks import check_network, task_of
from playground.engine.trainer import probe_batch_for

PAUSE_WAIT_S = 5.0         # a Pause returns once the worker stopped (the page then shows the final step)
STEP_WAIT_S = 30.0         # a Step returns once its update and probe are published
FIRST_STATE_WAIT_S = 30.0  # a new run's step-0 probe (a fresh worker imports torch first)
SETTINGS_WAIT_S = 5.0      # a change of live settings returns once applied
SAVE_WAIT_S = 30.0         # a save waits for the worker's current slice and its publication


class RunHandle:
    """One live run, owned by one browser session; see the module docstring."""

    def __init__(self, backend: TrainingBackend, config: RunConfig, task=None,
                 weights: dict[str, np.ndarray] | None = None, resume: dict | None = None, ledger=None):
        """Submit a paused run (``weights``/``resume`` as in ``TrainingBackend.submit``); with ``ledger``
        (a ``SessionLedger``), only once the ledger made a place for it (AdmissionError when it cannot)."""
        self.backend = backend
        self.ledger = ledger
        self.task = task_of(config, task)     # built once here, then handed to the backend
        check_network(config, type(self.task))  # an upload's task class is known only now
        self.lock = threading.Lock()           # guards the local copy of the network
        self._guard = threading.RLock()        # parking and restoring exclude each other and every read
        self._parked: ParkedRun | None = None
        self._net = None
        self._net_step = None
        self._probe_batch = None
        self.run_id: int | None = None
        if ledger is not None:
            ledger.make_room(self)
        try:
            self.run_id = backend.submit(config, self.task, weights, resume)
        except BaseException:
            if ledger is not None:
                ledger.forget(self)
            raise

    # --- what the worker published -------------------------------------------------------
    @property
    def view(self) -> RunView:
        """The latest published state (a parked run is brought back first: someone reads it)."""
        with self._guard:
            if self._parked is not None and self._unpark() is not None:
                return self._parked.view
            return self.backend.latest(self.run_id)

    @property
    def parked(self) -> bool:
        """True while the run is saved and freed in the backend (it comes back when read)."""
        return self._parked is not None

    def peek(self) -> RunView | None:
        """The latest view without counting as a read and without bringing back a parked run."""
        with self._guard:
            return None if self._parked is not None or self.run_id is None else self.backend.peek(self.run_id)

    def quiet_config(self) -> RunConfig:
        """The run's config without counting as a read: a parked run stays parked."""
        with self._guard:
            return self._parked.config if self._parked is not None else self.backend.peek(self.run_id).config

    def park(self, idle_s: float = 0.0) -> bool:
        """Save the run and free it in the backend if it is paused and nobody read it for ``idle_s``
        seconds; True when parked now. A run that cannot be saved stays as it is."""
        with self._guard:
            view = self.peek()
            if view is None or view.closed or view.wanted or view.error or view.idle_s() < idle_s:
                return False
            try:
                state = self.resume_state()
            except PlaygroundError:
                return False
            self._parked = park_state(self.backend.peek(self.run_id), state)
            self.backend.close(self.run_id)
            return True

    def _unpark(self) -> PlaygroundError | None:
        """Submit the parked run again, as it was saved; the refusal (also noted on its view) if refused."""
        parked = self._parked
        try:
            if self.ledger is not None:
                self.ledger.make_room(self)
            run_id = self.backend.submit(parked.config, self.task, parked.weights, parked.resume)
        except PlaygroundError as err:
            parked.view.note = f"This run was saved while idle and cannot come back yet: {err}"
            return err
        self.run_id, self._parked, self._net_step = run_id, None, None
        self.wait_ready()
        return None

    def _live_id(self) -> int:
        """The run's id in the backend, bringing a parked run back (the refusal is raised when it cannot)."""
        with self._guard:
            if self._parked is not None and (refused := self._unpark()) is not None:
                raise refused
            return self.run_id

    config = delegated("view.config", "The run's config as its worker has it (its live settings may have changed).")
    step_count = delegated("view.step", "Training steps done so far.")

    @property
    def running(self) -> bool:
        """True while the run trains or waits in the queue to train (a parked run does not: asking
        does not bring it back)."""
        with self._guard:
            return self._parked is None and self.view.wanted

    error = delegated("view.error", "Why the run stopped for good (None while it is healthy).")
    note = delegated("view.note", "A note from the backend (paused for lack of watchers).")
    queue_position = delegated("view.queue_position",
                               "Runs ahead of this one in the queue for a free trainer; None when not waiting.")
    snapshot = delegated("view.snapshot", "The latest probe's Snapshot (None before the first).")
    steps_per_second = delegated("view.steps_per_second", "The run's recent training speed.")
    last_val = delegated("view.last_val", "The latest validation metric.")

    @property
    def records(self) -> list:
        """The light records of the probes so far (a copy)."""
        return list(self.view.records)

    def history_arrays(self) -> dict:
        """The bounded training history's columns (``step``, ``loss``, ``val_metric``, ...)."""
        return self.view.history

    def history_frame(self):
        """The bounded training history as a table."""
        return history_frame(self.history_arrays())

    @property
    def probe_batch(self):
        """The run's fixed probe batch, drawn here from the same seed as in the worker."""
        if self._probe_batch is None:
            self._probe_batch = probe_batch_for(self.config, self.task)
        return self._probe_batch

    @property
    def net(self):
        """A local copy of the network with the weights of the latest snapshot (use under ``lock``)."""
        view = self.view
        if self._net is None:
            self._net = build_network(view.config, self.task)
        if view.weights is not None and self._net_step != (view.weights_step, view.snapshot_version):
            self._net.load_state_dict({k: torch.from_numpy(v) for k, v in view.weights.items()})
            self._net_step = (view.weights_step, view.snapshot_version)
        return self._net

    def wait_ready(self, timeout: float = FIRST_STATE_WAIT_S) -> bool:
        """Wait until the run's first snapshot (or an error) is published."""
        return self.backend.wait_published(self.run_id, 0, timeout) and (
            self.view.snapshot is not None or self.view.error is not None or
            self.backend.wait_published(self.run_id, self.view.version, timeout))

    # --- commands (idempotent: each sets a state) ----------------------------------------
    def set_running(self, wanted: bool, until: int | None = None) -> None:
        """Train continuously (up to step ``until``, if given), or pause; a Pause waits until it holds.

        A run asked to train while every trainer is busy waits in the queue (``queue_position``).
        """
        seq = self.backend.command(self._live_id(), "run", wanted=wanted, until=until)
        if seq and not wanted:
            self.backend.wait(self.run_id, seq, PAUSE_WAIT_S)

    def step_to(self, target: int) -> None:
        """Train until the step counter reads ``target`` (nothing if it already does); waits for it."""
        seq = self.backend.command(self._live_id(), "step_to", target=target)
        self.backend.wait(self.run_id, seq, STEP_WAIT_S)

    def apply_live_settings(self, config: RunConfig) -> None:
        """Take the live settings (``playground.live_settings``) from ``config`` without a reset; returns
        once the worker applied them, so the page that changed them shows them in the run's config."""
        changes = live_changes(self.config, config)
        if changes:
            try:
                seq = self.backend.command(self._live_id(), "settings", **changes)
            except TrainerLostError:
                return                                # the page shows the run's error already
            self.backend.wait(self.run_id, seq, SETTINGS_WAIT_S)

    def resume_state(self) -> dict:
        """What a saved file needs to continue the run, taken by its worker at one step (see
        ``LiveRun.resume_state``). Raises TrainerLostError when the worker does not answer."""
        if self._parked is not None:
            return self._parked.resume_with_weights()
        seq = self.backend.command(self.run_id, "save")
        resume = self.backend.peek(self.run_id).resume if self.backend.wait(self.run_id, seq, SAVE_WAIT_S) else None
        if resume is None:
            raise TrainerLostError("the trainer did not hand over this run's state in time; try again")
        return resume

    def close(self) -> None:
        """Free the run in its worker (a parked run lets go of its saved state) and leave the ledger."""
        with self._guard:
            if self._parked is not None:
                self._parked.view.close()
                self._parked = None
            self.backend.close(self.run_id)
        if self.ledger is not None:
            self.ledger.forget(self)
