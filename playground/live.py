"""A live training run as the app drives it: short ticks under a lock, probes, records.

``LiveRun`` wraps a Trainer for one browser session. The page calls ``tick()`` from a
timed fragment; a tick trains for a bounded wall-clock budget while holding the
run's lock, so a rerun that starts while an old script thread is still inside a
tick waits instead of double-stepping, and one of the server's training slots, so
many sessions training at once take turns on half the cores. After each tick the probe
records a Snapshot, and a light ``Record`` of it is kept for the over-training views and replay.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

import numpy as np

from playground.config import RunConfig
from playground.errors import DivergenceError
from playground.probe import Snapshot, probe
from playground.tasks.base import Task
from playground.trainer import Trainer

MAX_RECORDS = 120          # records kept for replay; thinned by half when full
MAX_STEPS_PER_TICK = 500   # a tick never takes more than this many updates
VALIDATE_EVERY_S = 1.0     # a tick validates when this long has passed since the last validation
# Training slots shared by every session of the server: at most half the cores train at once
# (torch uses one thread per session), so script runs, clicks and the page drawing always
# find a free core, and sessions take turns when many train together.
SLOT_COUNT = max(1, (os.cpu_count() or 2) // 2)
TRAINING_SLOTS = threading.BoundedSemaphore(SLOT_COUNT)
SLOT_WAIT_S = 5.0          # a live tick waits this long for a slot, then redraws without training
STEP_WAIT_S = 30.0         # the Step button waits longer: it must do its one update
ACTIVE_WINDOW_S = 3.0      # a run that ticked this recently counts as training now
_last_tick: dict[int, float] = {}      # id(LiveRun) -> when it last ticked (monotonic)


def load_factor() -> float:
    """How many sessions train now per training slot (at least 1): 8 sessions on 1 slot -> 8.

    Pages stretch their slower redraws by it, so a busy server (and the browsers of a
    crowded room) is asked for proportionally less.
    """
    now = time.monotonic()
    for key, when in list(_last_tick.items()):          # a copy: other sessions' threads write to it
        if now - when > ACTIVE_WINDOW_S:
            _last_tick.pop(key, None)
    return max(1.0, len(_last_tick) / SLOT_COUNT)


STRUCTURAL = ("arch", "task", "seq_len", "lag", "hidden", "layers", "activation",
              "init", "radius", "optimizer", "batch", "seed")


@dataclass
class Record:
    """What is kept of each probe for views over training and replay (small arrays).

    grad_norm: (T,) ||dL/dh_t|| last layer. jacobian_norm: (T,). pca: (T, B, 3).
    gates: name -> (T, H) for probe sequence 0, last layer. hidden: (T, H), sequence 0.
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
        return cls(snap.step, snap.loss, snap.metric, snap.grad_norm[-1].copy(),
                   snap.jacobian_norm.copy(), snap.spectral_radius[-1], snap.pca.copy(),
                   snap.hidden[-1][:, 0].copy(), {k: v[-1][:, 0].copy() for k, v in snap.gates.items()})


class LiveRun:
    """One session's run: trainer, lock, running flag, latest snapshot and records."""

    def __init__(self, config: RunConfig, task: Task | None = None):
        self.trainer = Trainer(config, task)
        self.lock = threading.Lock()
        self.running = False
        self.error: str | None = None
        self.records: list[Record] = []
        self.snapshot: Snapshot | None = None
        self.steps_per_second = 0.0
        self._validated_at = float("-inf")
        self.record_probe()

    @property
    def config(self) -> RunConfig:
        """The trainer's current config (lr and clip may have changed mid-run)."""
        return self.trainer.config

    @property
    def step_count(self) -> int:
        """Updates done so far."""
        return self.trainer.step_count

    def needs_reset(self, config: RunConfig) -> bool:
        """True when ``config`` differs in a field that needs a fresh network."""
        return any(getattr(config, k) != getattr(self.config, k) for k in STRUCTURAL)

    def apply_live_settings(self, config: RunConfig) -> None:
        """Take learning rate and clipping from ``config`` without resetting."""
        with self.lock:
            if config.lr != self.config.lr:
                self.trainer.set_lr(config.lr)
            if config.clip != self.config.clip:
                self.trainer.set_clip(config.clip)

    def tick(self, budget_s: float = 0.15, max_steps: int = MAX_STEPS_PER_TICK, validate: bool = False,
             wait_s: float = SLOT_WAIT_S) -> int:
        """Train for about ``budget_s`` seconds (at least one step), then probe. Returns steps.

        A tick first takes one of the server's training slots (``TRAINING_SLOTS``), waiting at
        most ``wait_s``; when every slot stays busy it trains nothing and returns 0, and the
        page redraws what it has. The validation metric is refreshed at most once a second
        (always with ``validate``): it costs about as much as a training step.
        """
        _last_tick[id(self)] = time.monotonic()
        if not TRAINING_SLOTS.acquire(timeout=wait_s):
            return 0
        try:
            return self._tick_locked(budget_s, max_steps, validate)
        finally:
            TRAINING_SLOTS.release()

    def _tick_locked(self, budget_s: float, max_steps: int, validate: bool) -> int:
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
            elapsed = time.perf_counter() - start
            if done:
                self.steps_per_second = done / max(elapsed, 1e-9)
                if validate or time.perf_counter() - self._validated_at >= VALIDATE_EVERY_S:
                    self.trainer.validate()
                    self._validated_at = time.perf_counter()
            self._record_probe_locked()
        return done

    def step_once(self) -> None:
        """Exactly one update (the Step button), then probe; waits for a training slot."""
        self.tick(budget_s=0.0, max_steps=1, validate=True, wait_s=STEP_WAIT_S)

    def record_probe(self) -> Snapshot:
        """Probe now and keep the record."""
        with self.lock:
            return self._record_probe_locked()

    def _record_probe_locked(self) -> Snapshot:
        t = self.trainer
        self.snapshot = probe(t.net, t.task, t.probe_batch, t.step_count, parameters=False)
        if self.records and self.records[-1].step == t.step_count:
            self.records[-1] = Record.of(self.snapshot)
        else:
            self.records.append(Record.of(self.snapshot))
        if len(self.records) > MAX_RECORDS:
            self.records = self.records[:1] + self.records[1:-1][::2] + self.records[-1:]
        return self.snapshot
