"""A session's live run as the pages see it: commands go out, the latest published state comes in.

``RunHandle`` never trains or probes: it sends idempotent commands to a ``TrainingBackend``
(``playground.backends.interface``) and reads the run's latest ``RunView``. It offers what the pages
read of a run — config, step count, history, snapshot, records, the task, and a local copy
of the network rebuilt from the weights published with the latest snapshot (for sampling
text, interventions and exports) — so a page draws the same whether the run trains in a
local worker process or on a cluster.
"""
from __future__ import annotations

import threading

import numpy as np
import torch

from models.network import build_network
from playground.config import RunConfig
from playground.delegation import delegated
from playground.backends.interface import RunView, TrainingBackend
from playground.errors import TrainerLostError
from playground.engine.history import history_frame
from playground.engine.live import STRUCTURAL
from playground.tasks import make_task
from playground.engine.trainer import probe_batch_for

PAUSE_WAIT_S = 5.0         # a Pause returns once the worker stopped (the page then shows the final step)
STEP_WAIT_S = 30.0         # a Step returns once its update and probe are published
FIRST_STATE_WAIT_S = 30.0  # a new run's step-0 probe (a fresh worker imports torch first)
SETTINGS_WAIT_S = 5.0      # a learning-rate or clipping change returns once applied
SAVE_WAIT_S = 30.0         # a save waits for the worker's current slice and its publication


class RunHandle:
    """One live run, owned by one browser session; see the module docstring."""

    def __init__(self, backend: TrainingBackend, config: RunConfig, task=None,
                 weights: dict[str, np.ndarray] | None = None, resume: dict | None = None):
        """Submit a paused run (``weights``/``resume`` as in ``TrainingBackend.submit``)."""
        self.backend = backend
        self.task = task if task is not None else make_task(config)
        self.run_id = backend.submit(config, self.task, weights, resume)     # built once: the backend reuses it
        self.lock = threading.Lock()           # guards the local copy of the network
        self._net = None
        self._net_step = None
        self._probe_batch = None

    # --- what the worker published -------------------------------------------------------
    @property
    def view(self) -> RunView:
        """The latest published state."""
        return self.backend.latest(self.run_id)

    config = delegated("view.config", "The run's config as its worker has it (learning rate and clipping may "
                                      "have changed).")
    step_count = delegated("view.step", "Training steps done so far.")
    running = delegated("view.wanted", "True while the run trains or waits in the queue to train.")
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

    def history_frame(self):
        """The bounded training history as a table."""
        return history_frame(self.view.history)

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
        seq = self.backend.command(self.run_id, "run", wanted=wanted, until=until)
        if seq and not wanted:
            self.backend.wait(self.run_id, seq, PAUSE_WAIT_S)

    def step_to(self, target: int) -> None:
        """Train until the step counter reads ``target`` (nothing if it already does); waits for it."""
        seq = self.backend.command(self.run_id, "step_to", target=target)
        self.backend.wait(self.run_id, seq, STEP_WAIT_S)

    def apply_live_settings(self, config: RunConfig) -> None:
        """Take learning rate and clipping from ``config`` without a reset; returns once the
        worker applied them, so the page that changed them shows them in the run's config."""
        current = self.config
        if (config.lr, config.clip) != (current.lr, current.clip):
            try:
                seq = self.backend.command(self.run_id, "settings", lr=config.lr, clip=config.clip)
            except TrainerLostError:
                return                                # the page shows the run's error already
            self.backend.wait(self.run_id, seq, SETTINGS_WAIT_S)

    def resume_state(self) -> dict:
        """What a saved file needs to continue the run, taken by its worker at one step (see
        ``LiveRun.resume_state``). Raises TrainerLostError when the worker does not answer."""
        seq = self.backend.command(self.run_id, "save")
        if not self.backend.wait(self.run_id, seq, SAVE_WAIT_S) or self.view.resume is None:
            raise TrainerLostError("the trainer did not hand over this run's state in time; try again")
        return self.view.resume

    def needs_reset(self, config: RunConfig) -> bool:
        """True when ``config`` differs in a field that needs a fresh network."""
        return any(getattr(config, k) != getattr(self.config, k) for k in STRUCTURAL)

    def close(self) -> None:
        """Free the run in its worker."""
        self.backend.close(self.run_id)
