"""A worker process: trains its runs in turn and publishes their state at a steady cadence.

One process per usable CPU (see ``playground.backends.pool``), one torch thread each, at a lower
scheduling priority than the app server so drawing pages always wins over training.
A worker hosts several runs. Between slices it applies the commands that arrived (in order,
each exactly once), then gives the next slice (``QUANTUM_S`` of training) to the running run
that has had the least training time so far, so time is shared fairly whatever each run's
step costs. A slice is made of short ticks (``CHECK_EVERY_S``) and ends as soon as a command
arrives, and no probe is taken while one waits, so a Pause holds within one tick of reaching
the worker; the paused run's probe follows its acknowledgement. It publishes, per run:

- counters and the bounded history every ``PUBLISH_EVERY_S`` while training, at once after
  each command (with the command's number, so the page knows it took effect), and at once
  after a new validation (the page learns the metric, a task solved included, without waiting
  for the next publication);
- a probe snapshot (with its record and the weights) at most every ``PROBE_EVERY_S``, and
  less often when probes would take more than ``PROBE_SHARE`` of the worker's time. A run's
  probe cost is the least of its last ``PROBE_COSTS_KEPT`` timed probes (starting from a guess
  of ``FIRST_PROBE_COST_S``), and the probe made on submitting a run (cold: the first replay of
  a fresh network) is not timed: one slow probe
  must not hold the insides (and the weights the pages sample from) seconds behind the step
  counter, while a machine that stays busy still spaces the probes out.

Publications go down the worker's own pipe to the server's reader thread; a send waits while
the server reads, so a busy server slows its workers' publishing instead of piling messages
up, and a killed worker can break only its own pipe.
"""
from __future__ import annotations

import contextlib
import os
import queue
import time
from collections import deque

import numpy as np
import torch

from playground.errors import PlaygroundError
from playground.engine.live import MAX_STEPS_PER_TICK, LiveRun
from playground.backends.parking import RECORDS_KEY
from playground.tasks import task_of

QUANTUM_S = 0.05          # training per slice given to one run before the next run's turn
CHECK_EVERY_S = 0.01      # within a slice, the worker looks for a new command this often (a Pause lands promptly)
PUBLISH_EVERY_S = 0.1     # counters and loss history, per running run
PROBE_EVERY_S = 0.25      # shortest interval between two probe snapshots of a run
PROBE_SHARE = 0.15        # probes may take at most this share of the worker's time
PROBE_COSTS_KEPT = 3      # a run's probe cost is the least of its last few probes' times
FIRST_PROBE_COST_S = 0.02 # the guess they start from
NICE = 5                  # training yields to the app server's drawing
IDLE_WAIT_S = 0.5         # how long an idle worker blocks on its command queue


class WorkerRun:
    """A LiveRun plus what the worker's scheduler and publisher need to know about it."""

    def __init__(self, run_id: int, run: LiveRun):
        self.run_id = run_id
        self.run = run
        self.acked = 0
        self.vruntime = 0.0
        self.published_at = 0.0
        self.probed_at = 0.0
        self.probe_costs = deque([FIRST_PROBE_COST_S], maxlen=PROBE_COSTS_KEPT)   # seconds of its last timed probes
        self.sent_records: set[int] = set()
        self.history_version = None
        self.sent_validations = 0             # the trainer's validation count in the last publication
        self.until: int | None = None         # a running run stops training at this step (compare page)

    @property
    def probe_cost(self) -> float:
        """What a probe of this run costs: the least time of its last timed probes (and the first guess)."""
        return min(self.probe_costs)

    def ready(self) -> bool:
        """True when the run trains now: running and below its step cap, if any."""
        return self.run.running and (self.until is None or self.run.step_count < self.until)


class Worker:
    """The runs of one worker process, its scheduler and its publisher."""

    def __init__(self, index: int, results, commands_waiting=lambda: False):
        self.index = index
        self.results = results
        self.runs: dict[int, WorkerRun] = {}
        self.commands_waiting = commands_waiting      # True when a command arrived: a slice ends early for it

    # --- commands ------------------------------------------------------------------------
    def handle(self, message: tuple) -> None:
        """Apply one message from the server: submit, command or close."""
        kind = message[0]
        if kind == "submit":
            _, run_id, config, task, weights, resume = message
            self.submit(run_id, config, task, weights, resume)
        elif kind == "command":
            _, run_id, seq, name, args = message
            wrun = self.runs.get(run_id)
            if wrun is not None and seq > wrun.acked:       # exactly once, in order
                wrun.acked = seq
                with self.isolated(wrun):
                    self.apply(wrun, name, args)
                    self.publish(wrun, probe=name == "step_to", save=name == "save")
                    if name == "run" and not args.get("wanted") and wrun.probed_at and \
                            wrun.run.records and wrun.run.records[-1].step != wrun.run.step_count:
                        self.publish(wrun, probe=True)     # after the acknowledgement: charts land on the paused step
        elif kind == "close":
            self.runs.pop(message[1], None)

    def submit(self, run_id: int, config, task, weights, resume=None) -> None:
        """Build the run (paused), install ``weights`` (and ``resume``) if given, and publish its state and probe."""
        records = []
        if resume is not None and RECORDS_KEY in resume:                   # a parked run coming back
            resume = dict(resume)
            records = resume.pop(RECORDS_KEY)
        try:
            run = LiveRun(config, task_of(config, task), weights, resume)     # the upload, or built here once
        except (PlaygroundError, ValueError, RuntimeError, MemoryError) as err:
            self.send({"run": run_id, "acked": 0, "error": f"Cannot build this run: {err}", "running": False,
                       "step": 0})
            return
        run.records = [r for r in records if r.step < run.step_count] + run.records
        wrun = WorkerRun(run_id, run)
        self.runs[run_id] = wrun
        self.publish(wrun, probe=True, force_probe=True)

    def apply(self, wrun: WorkerRun, name: str, args: dict) -> None:
        """One command; never raises (a bad command becomes the run's error)."""
        run = wrun.run
        if name == "run":
            wanted = bool(args.get("wanted"))
            until = args.get("until")
            wrun.until = None if until is None else int(until)
            if wanted and not run.running:
                run.error = None
                running = [w.vruntime for w in self.runs.values() if w.ready()]
                wrun.vruntime = max(wrun.vruntime, min(running, default=wrun.vruntime))  # no credit for waiting
            elif not wanted and run.running and run.step_count:
                run.trainer.validate()          # a paused run shows the metric of the weights it paused at
            run.running = wanted
        elif name == "step_to":
            target = int(args.get("target", 0))
            run.error = None
            while run.step_count < target and run.error is None:
                run.tick(budget_s=0.0, max_steps=min(target - run.step_count, 500), validate=True, record=False)
        elif name == "save":
            pass                                              # the publication that follows carries it
        elif name == "settings":
            run.trainer.apply_live(args)                      # the live settings that changed, by name
        else:
            run.error = f"unknown command {name!r}"

    # --- training --------------------------------------------------------------------------
    def running(self) -> list[WorkerRun]:
        """Runs that train now."""
        return [w for w in self.runs.values() if w.ready()]

    def train_slice(self) -> None:
        """Give one slice to the running run with the least training time, then publish what is due."""
        ready = self.running()
        if not ready:
            return
        wrun = min(ready, key=lambda w: w.vruntime)
        start = time.perf_counter()
        with self.isolated(wrun):
            try:
                while True:                                   # short ticks: a command waits at most one of them
                    cap = MAX_STEPS_PER_TICK if wrun.until is None else wrun.until - wrun.run.step_count
                    wrun.run.tick(budget_s=CHECK_EVERY_S, max_steps=cap, record=False)
                    if (time.perf_counter() - start >= QUANTUM_S or not wrun.ready()
                            or self.commands_waiting()):
                        break
            finally:
                wrun.vruntime += time.perf_counter() - start
            now = time.monotonic()
            if not wrun.ready():                              # diverged, or reached its cap: say so at once
                self.publish(wrun, probe=True, force_probe=True)
            elif self.commands_waiting():
                pass                                          # the command first; it publishes once applied
            elif (now - wrun.published_at >= PUBLISH_EVERY_S
                  or wrun.run.trainer.validations != wrun.sent_validations):
                probe_every = max(PROBE_EVERY_S, wrun.probe_cost * len(ready) / PROBE_SHARE)
                self.publish(wrun, probe=now - wrun.probed_at >= probe_every)

    @contextlib.contextmanager
    def isolated(self, wrun: WorkerRun):
        """Turn any failure inside one run into that run's error: the worker and its other runs go on."""
        try:
            yield
        except Exception as err:  # noqa: BLE001 — one run's numerical or code failure must not end the others
            run = wrun.run
            run.running = False
            detail = str(err).splitlines()[0][:200] if str(err) else "no details"
            run.error = f"training stopped on an error ({type(err).__name__}: {detail}); Reset starts afresh"
            self.publish(wrun)

    # --- publishing ------------------------------------------------------------------------
    def publish(self, wrun: WorkerRun, probe: bool = False, force_probe: bool = False, save: bool = False) -> None:
        """Send the run's counters and history, with ``probe`` a fresh snapshot, record and weights,
        and with ``save`` what resuming the run needs."""
        run = wrun.run
        message = {"run": wrun.run_id, "acked": wrun.acked, "step": run.step_count, "running": run.running,
                   "error": run.error, "config": run.config, "steps_per_second": run.steps_per_second,
                   "last_val": run.trainer.last_val}
        if wrun.history_version != (run.history.version, len(run.history)):
            message["history"] = run.history.arrays()
            wrun.history_version = (run.history.version, len(run.history))
        if probe or force_probe:
            start = time.perf_counter()
            snapshot = run.record_probe()
            if not force_probe:                            # a forced probe comes whatever it costs
                wrun.probe_costs.append(time.perf_counter() - start)
            wrun.probed_at = time.monotonic()
            message["snapshot"] = snapshot
            message["records_new"] = [r for r in run.records if r.step not in wrun.sent_records]
            message["record_steps"] = [r.step for r in run.records]
            wrun.sent_records = set(message["record_steps"])
            message["weights"] = as_numpy(run.trainer.net.state_dict())
        if save:
            message["resume"] = run.resume_state()
        wrun.sent_validations = run.trainer.validations
        wrun.published_at = time.monotonic()
        self.send(message)

    def send(self, message: dict) -> None:
        """Send one publication down this worker's pipe (it waits while the server reads)."""
        self.results.send(message)


def worker_main(index: int, commands, results, parent_pid: int) -> None:
    """The worker process: apply commands, train slices, publish; exit with the server."""
    torch.set_num_threads(1)
    try:
        os.nice(NICE)
    except OSError:
        pass
    worker = Worker(index, results, commands_waiting=lambda: not commands.empty())
    results.send({"ready": os.getpid()})
    while True:
        if os.getppid() != parent_pid:                        # the server is gone
            return
        timeout = 0.0 if worker.running() else IDLE_WAIT_S
        try:
            message = commands.get(timeout=timeout) if timeout else commands.get_nowait()
        except queue.Empty:
            message = None
        while message is not None:
            if message[0] == "stop":
                return
            worker.handle(message)
            try:
                message = commands.get_nowait()
            except queue.Empty:
                message = None
        worker.train_slice()


def as_numpy(tensors: dict) -> dict[str, np.ndarray]:
    """Plain numpy copies of a state dict (tensors would travel through shared-memory handles)."""
    return {k: v.detach().numpy().copy() for k, v in tensors.items()}
