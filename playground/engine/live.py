"""A live training run as a worker process drives it: bounded ticks, probes, records.

``LiveRun`` wraps a Trainer. A tick trains for a bounded wall-clock budget (at least one
step), validates when one is due (``validation_due``), and can probe. The probe records a Snapshot, and a
light ``Record`` of it is kept for the over-training views and replay. The per-step
history is bounded (``playground.engine.history.History``) and the records are thinned by half
when full, so a run's memory and a redraw's cost stay the same however long it trains.
The run's lock guards the trainer when another thread reads it (the in-process pages).
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import torch

from playground.config import RunConfig
from playground.delegation import delegated
from playground.errors import DivergenceError
from playground.live_settings import live_changes
from playground.engine.history import History, history_frame
from playground.engine.probe import Snapshot, probe
from playground.tasks.base import Task
from playground.engine.trainer import Trainer

MAX_RECORDS = 120          # records kept for replay; thinned by half when full
MAX_STEPS_PER_TICK = 500   # a tick never takes more than this many updates
VALIDATE_EVERY_S = 1.0     # a tick validates when this long has passed since the last validation
VALIDATE_SOON_S = 0.2      # ... or this long, when the training loss has moved by LOSS_MOVED since then
LOSS_MOVED = 0.25          # relative change of the smoothed training loss that makes a validation due soon
LOSS_SMOOTHING = 0.1       # weight of each step's loss in the smoothed loss (about the last ten steps)
SOON_SHARE = 0.1           # validations made sooner take at most this share of the training time


def validation_due(since_s: float, loss: float | None, loss_then: float | None, cost_s: float = 0.0) -> bool:
    """Whether a tick validates, ``since_s`` seconds after the latest validation (a tick's, the trainer's
    every-``VAL_EVERY``-steps one or a command's), with the smoothed training loss ``loss`` now and
    ``loss_then`` at that validation.

    Why sooner when the loss moved: a validation costs about a training step, so once a second keeps
    its cost small; but while the loss falls fast (a task being solved) the metric a second old is
    already wrong, and "solved" would show up to a second late. A loss that moved by more than
    ``LOSS_MOVED`` of itself makes a validation due after ``VALIDATE_SOON_S``; a flat one (a plateau,
    most of a run) costs no extra validations, and a validation that costs ``cost_s`` comes sooner only
    ``cost_s / SOON_SHARE`` after the last (a big model's dear validation never crowds out its training).
    What is validated (the fixed batch) never changes.
    """
    if since_s >= VALIDATE_EVERY_S:
        return True
    if since_s < max(VALIDATE_SOON_S, cost_s / SOON_SHARE) or loss is None or loss_then is None or not math.isfinite(loss):
        return False
    return abs(loss - loss_then) > LOSS_MOVED * abs(loss_then)


@dataclass
class Record:
    """What is kept of each probe for views over training and replay (small arrays).

    grad_norm: (T,) ||dL/dh_t|| last layer (of both its directions together, in a bidirectional
    network: ``Snapshot.top_rows``). jacobian_norm: (T,). pca: (T, B, 3).
    gates: name -> (T, H) for probe sequence 0, last layer (T, 2H both directions). hidden: (T, H), sequence 0.
    """

    step: int
    loss: float
    metric: float
    grad_norm: np.ndarray
    jacobian_norm: np.ndarray
    spectral_radius: float
    pca: np.ndarray
    hidden: np.ndarray
    gates: dict[str, np.ndarray]

    @classmethod
    def of(cls, snap: Snapshot) -> "Record":
        """Keep the light parts of a snapshot."""
        top = snap.grad_norm[-snap.top_rows:]                    # the rows the head reads: both directions
        return cls(snap.step, snap.loss, snap.metric, top[0].copy() if len(top) == 1 else np.sqrt((top ** 2).sum(0)),
                   snap.jacobian_norm.copy(), snap.spectral_radius[-1], snap.pca.copy(),
                   snap.top(snap.hidden)[:, 0].copy(), {k: snap.top(v)[:, 0].copy() for k, v in snap.gates.items()})


class LiveRun:
    """One session's run: trainer, lock, running flag, latest snapshot and records."""

    def __init__(self, config: RunConfig, task: Task | None = None, weights: dict | None = None,
                 resume: dict | None = None):
        """A paused run; ``weights`` installs trained weights, ``resume`` (with them) continues a saved run."""
        self.trainer = Trainer(config, task)
        self.lock = threading.RLock()       # re-entrant: an export reads the history under it
        self.running = False
        self.error: str | None = None
        self.records: list[Record] = []
        self.snapshot: Snapshot | None = None
        self.history = History()
        self.steps_per_second = 0.0
        self._validated_at = float("-inf")
        self.smoothed_loss: float | None = None     # the training loss, smoothed over about ten steps
        self._loss_at_validation: float | None = None
        self._validations_seen = 0
        if resume is not None:
            self.trainer.restore_training_state(resume)
            self.history.restore(resume["history"])
        if weights is not None:
            self.load_weights(weights)
        else:
            self.record_probe()

    config = delegated("trainer.config", "The trainer's current config (its live settings may have changed mid-run).")
    task = delegated("trainer.task", "The run's task.")
    net = delegated("trainer.net", "The network being trained (guard reads with ``lock``).")
    last_val = delegated("trainer.last_val", "The latest validation metric.")
    probe_batch = delegated("trainer.probe_batch", "The fixed batch the probe replays.")

    def load_weights(self, state: dict) -> None:
        """Install trained weights (an imported checkpoint), validate, and probe them afresh."""
        with self.lock:
            trainer = self.trainer
            trainer.net.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()})
            with torch.no_grad():
                torch._foreach_copy_(trainer._backup, [p.detach() for p in trainer.params])
            trainer.validate()
            self.records = []          # the record of the random initial weights no longer applies
            self._record_probe_locked()

    def resume_state(self) -> dict:
        """Everything a saved file needs to continue this run exactly, taken at one step.

        ``{"weights": {name: array}, "step", "optimizer_steps", "moments", "data_rng",
        "history"}`` (arrays; see ``Trainer.training_state`` and ``History.state``).
        """
        with self.lock:
            state = self.trainer.training_state()
            return {"weights": {k: v.detach().numpy().copy() for k, v in self.trainer.net.state_dict().items()},
                    "step": state["step"], "optimizer_steps": state["optimizer_steps"],
                    "moments": {k: v.numpy().copy() for k, v in state["moments"].items()},
                    "data_rng": state["data_rng"].numpy().copy(), "history": self.history.state()}

    @property
    def step_count(self) -> int:
        """Updates done so far."""
        return self.trainer.step_count

    def apply_live_settings(self, config: RunConfig) -> None:
        """Take the live settings (``playground.live_settings``) from ``config`` without a reset."""
        with self.lock:
            self.trainer.apply_live(live_changes(self.config, config))

    def tick(self, budget_s: float = 0.15, max_steps: int = MAX_STEPS_PER_TICK, validate: bool = False,
             record: bool = True) -> int:
        """Train for about ``budget_s`` seconds (at least one step), then probe if ``record``. Returns steps.

        The validation metric is refreshed when ``validation_due`` says so (always with ``validate``):
        once a second, sooner while the training loss moves fast. A diverging step stops the run
        (``running`` false, ``error`` set) with the last finite weights kept.
        """
        done = 0
        with self.lock:
            start = time.perf_counter()
            try:
                while done < max_steps and (done == 0 or time.perf_counter() - start < budget_s):
                    self.trainer.step()
                    done += 1
            except DivergenceError as err:
                self.running = False
                self.error = str(err)
            finally:
                self._smooth(self.trainer.history)
                self.history.extend(self.trainer.history)
                self.trainer.history.clear()       # the bounded copy is the run's history
            elapsed = time.perf_counter() - start
            if done:
                self.steps_per_second = done / max(elapsed, 1e-9)
                self._note_validations()               # the trainer's own, every VAL_EVERY steps
                since = time.perf_counter() - max(self._validated_at, self.trainer.validated_at)
                if validate or validation_due(since, self.smoothed_loss, self._loss_at_validation,
                                              self.trainer.val_seconds):
                    self.trainer.validate()
                    self._validated_at = time.perf_counter()
                    self._loss_at_validation = self.smoothed_loss
                    self._note_validations()
            if record:
                self._record_probe_locked()
        return done

    def _smooth(self, rows: list[dict]) -> None:
        """Fold the tick's training losses into ``smoothed_loss`` (an exponential moving average)."""
        for row in rows:
            loss = row.get("loss")
            if loss is None or not math.isfinite(loss):
                continue
            self.smoothed_loss = loss if self.smoothed_loss is None else \
                self.smoothed_loss + LOSS_SMOOTHING * (loss - self.smoothed_loss)

    def _note_validations(self) -> None:
        """Take the smoothed loss at a validation the trainer made on its own as the one to compare with."""
        if self.trainer.validations != self._validations_seen:
            self._validations_seen = self.trainer.validations
            self._loss_at_validation = self.smoothed_loss

    # --- the page-facing interface of a RunHandle, in process (tests, headless use) ---------
    queue_position = None      # an in-process run never waits for a trainer
    note = None

    def set_running(self, wanted: bool, until: int | None = None) -> None:
        """Mark the run as training or not (whoever holds it calls ``tick``)."""
        self.running = wanted
        if wanted:
            self.error = None

    def step_to(self, target: int) -> None:
        """Train here until the step counter reads ``target``, then probe."""
        while self.step_count < target and self.error is None:
            self.tick(budget_s=float("inf"), max_steps=min(target - self.step_count, MAX_STEPS_PER_TICK),
                      validate=True)

    def close(self) -> None:
        """Nothing to free: the run lives in this process."""

    def step_once(self) -> None:
        """Exactly one update (the Step button), then probe."""
        self.tick(budget_s=0.0, max_steps=1, validate=True)

    def history_arrays(self) -> dict:
        """The bounded history's columns (the trainer's: ``step``, ``loss``, ``val_metric``, ...)."""
        with self.lock:
            return self.history.arrays()

    def history_frame(self):
        """The bounded history as a table (the trainer's columns)."""
        return history_frame(self.history_arrays())

    def record_probe(self) -> Snapshot:
        """Probe now and keep the record."""
        with self.lock:
            return self._record_probe_locked()

    def _record_probe_locked(self) -> Snapshot:
        t = self.trainer
        self.snapshot = probe(t.net, t.task, t.probe_batch, t.step_count, parameters=False,
                              cut_every=t.truncation)
        if self.records and self.records[-1].step == t.step_count:
            self.records[-1] = Record.of(self.snapshot)
        else:
            self.records.append(Record.of(self.snapshot))
        if len(self.records) > MAX_RECORDS:
            self.records = self.records[:1] + self.records[1:-1][::2] + self.records[-1:]
        return self.snapshot
