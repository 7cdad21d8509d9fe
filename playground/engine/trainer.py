"""The trainer: seeded, reproducible training on the fused kernels, one step at a time.

It knows the network only through ``forward`` and the task only through
``sample``/``loss``/``metric``; where each step's batch comes from, and the state it starts
from, is the feed's business (``playground.engine.truncation``: random windows from h_0 = 0,
or consecutive windows carrying h with truncated BPTT). Each ``step()`` returns a dict of metrics and appends
it to ``history``; a NaN/Inf loss or gradient raises DivergenceError *before* any
weight changes, and weights that overflowed in the previous update are rolled back,
so the model left behind is always the last finite one.
"""
from __future__ import annotations

import math
import time
from typing import Any, Mapping

import pandas as pd
import torch

from models.network import SequenceNet, build_network
from playground.config import FIELDS, OPTIMIZER_GROUP, RunConfig, validate
from playground.engine.truncation import make_feed, truncation
from playground.errors import ConfigError, DivergenceError
from playground.tasks import check_network, task_of
from playground.tasks.base import Task

VAL_EVERY = 100     # steps between validations (also done on demand)
VAL_BATCH = 128     # sequences in the fixed validation batch
PROBE_BATCH = 16    # sequences in the fixed probe batch


def probe_batch_for(config: RunConfig, task: Task):
    """The run's fixed probe batch: the same sequences wherever it is drawn (seeded by ``seed + 3``)."""
    return task.sample(PROBE_BATCH, torch.Generator().manual_seed(config.seed + 3), "val")


# What each optimizer keeps per parameter between steps (the tensors a resumed run needs),
# besides the step count Adam keeps for its bias correction.
OPTIMIZER_MOMENTS = {"adam": ("exp_avg", "exp_avg_sq"), "sgd": ()}


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    """Adam or plain SGD."""
    return torch.optim.Adam(params, lr=lr) if name == "adam" else torch.optim.SGD(params, lr=lr)


class Trainer:
    """Trains ``build_network(config, task)`` on ``task`` with seeded data.

    Seeds: weights from ``seed``, training batches from ``seed + 1``, the fixed
    validation batch from ``seed + 2`` and the fixed probe batch from ``seed + 3``,
    each with its own torch.Generator, so same config => same history, whatever
    other sessions in the process are doing.
    """

    def __init__(self, config: RunConfig, task: Task | None = None,
                 val_every: int = VAL_EVERY, val_batch: int = VAL_BATCH):
        self.config = validate(config) if task is None else config
        self.task = task_of(config, task)
        check_network(config, type(self.task))     # an upload's task class is known only now
        seed = config.seed
        self.net: SequenceNet = build_network(config, self.task, torch.Generator().manual_seed(seed))
        self.data_gen = torch.Generator().manual_seed(seed + 1)
        self.feed = make_feed(self.config, self.task, self.data_gen)
        self.truncation = truncation(self.config, self.task)     # k of truncated BPTT, 0 = off
        self.val_batch = self.task.sample(val_batch, torch.Generator().manual_seed(seed + 2), "val")
        self.probe_batch = probe_batch_for(config, self.task)
        self.params = [p for p in self.net.parameters()]
        self._param_data = [p.detach() for p in self.params]      # views that follow in-place updates
        self._backup = [p.clone() for p in self._param_data]
        self.optimizer = make_optimizer(config.optimizer, self.params, config.lr)
        self.val_every = val_every
        self.step_count = 0
        self.history: list[dict] = []
        self.last_val: float | None = None
        self.validations = 0                    # how many validations so far: a publisher tells a new result by it
        self.validated_at = float("-inf")       # perf_counter() of the latest validation, whoever asked for it
        self.val_seconds = 0.0                  # what the latest validation took

    # --- settings that change mid-run ------------------------------------------------
    def apply_live(self, changes: Mapping[str, Any]) -> None:
        """Take new values of live settings without a reset (as TensorFlow Playground does).

        How each reaches the training comes from its row's ``live`` column: every setting is read
        from ``config`` at each step, and an ``OPTIMIZER_GROUP`` one is also set, under its name,
        in each of the optimizer's param groups. A structural setting raises ConfigError.
        """
        fixed = [name for name in changes if name not in FIELDS or not FIELDS[name].live]
        if fixed:
            raise ConfigError(f"{', '.join(fixed)} cannot change without a reset")
        self.config = self.config.replace(**changes)
        for name in changes:
            if FIELDS[name].live == OPTIMIZER_GROUP:
                for group in self.optimizer.param_groups:
                    group[name] = getattr(self.config, name)

    # --- saving and resuming --------------------------------------------------------------
    def training_state(self) -> dict:
        """What continuing this run needs besides its weights: step count, optimizer, data stream.

        ``{"step": int, "optimizer_steps": int, "moments": {"<param>/<moment>": tensor},
        "data_rng": uint8 tensor}``. Training a restored copy (``restore_training_state``) for
        m steps gives the same weights and losses as training this run on for m steps.
        """
        names = [name for name, _ in self.net.named_parameters()]
        moments, steps = {}, 0
        for name, param in zip(names, self.params):
            state = self.optimizer.state.get(param, {})
            for key in OPTIMIZER_MOMENTS[self.config.optimizer]:
                if key in state:
                    moments[f"{name}/{key}"] = state[key].detach().clone()
            if "step" in state:
                steps = int(state["step"])
        return {"step": self.step_count, "optimizer_steps": steps, "moments": moments,
                "data_rng": self.data_gen.get_state()}

    def restore_training_state(self, state: dict) -> None:
        """Continue from ``training_state()``'s output (tensors or arrays; checked by the caller)."""
        self.step_count = int(state["step"])
        self.data_gen.set_state(torch.as_tensor(state["data_rng"], dtype=torch.uint8))
        moments = state.get("moments") or {}
        self.optimizer.state.clear()
        for name, param in self.net.named_parameters():
            keys = OPTIMIZER_MOMENTS[self.config.optimizer]
            if keys and all(f"{name}/{k}" in moments for k in keys):
                entry = {k: torch.as_tensor(moments[f"{name}/{k}"], dtype=param.dtype).clone() for k in keys}
                entry["step"] = torch.tensor(float(state["optimizer_steps"]))
                self.optimizer.state[param] = entry

    # --- training --------------------------------------------------------------------
    def step(self) -> dict:
        """One update on the feed's next batch (random windows, or the stream's next window);
        returns {'step', 'loss', 'grad_norm', ...}."""
        start = time.perf_counter()
        self.optimizer.zero_grad(set_to_none=True)
        batch, out = self.feed.next(self.net, self.step_count)      # out (B, T, O)
        loss = self.task.loss(out, batch)
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            self._roll_back()
            raise DivergenceError(f"loss became {loss_value} at step {self.step_count + 1}; "
                                  "kept the last finite weights — lower the learning rate or clip gradients")
        loss.backward()
        clip = self.config.clip
        if clip > 0:
            norm = torch.nn.utils.clip_grad_norm_(self.params, clip).item()
        else:
            grads = [p.grad for p in self.params if p.grad is not None]
            norm = torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads))).item()
        if not math.isfinite(norm):
            self._roll_back()
            raise DivergenceError(f"gradient norm became {norm} at step {self.step_count + 1}; "
                                  "kept the last finite weights — lower the learning rate or clip gradients")
        torch._foreach_copy_(self._backup, self._param_data)
        self.optimizer.step()
        self.step_count += 1
        row = {"step": self.step_count, "loss": loss_value, "grad_norm": norm,
               "lr": self.config.lr, "clip": clip, "seconds": time.perf_counter() - start}
        if self.step_count % self.val_every == 0:
            row["val_metric"] = self.validate()
        self.history.append(row)
        return row

    def _roll_back(self) -> None:
        """Restore the weights from before the last update if any of them is not finite."""
        with torch.no_grad():
            if not all(torch.isfinite(p).all() for p in self.params):
                torch._foreach_copy_(self.params, self._backup)
                self.optimizer.state.clear()

    def train(self, steps: int, callback=None) -> dict:
        """Run ``steps`` updates; ``callback(row)`` after each. Returns the last row."""
        row = {}
        for _ in range(steps):
            row = self.step()
            if callback is not None:
                callback(row)
        return row

    @torch.no_grad()
    def validate(self) -> float:
        """The task's human metric on the fixed validation batch."""
        start = time.perf_counter()
        out, _ = self.net(self.val_batch.x)
        self.last_val = self.task.metric(out, self.val_batch)
        self.validations += 1
        self.validated_at = time.perf_counter()
        self.val_seconds = self.validated_at - start
        return self.last_val

    def history_frame(self) -> pd.DataFrame:
        """The history as a table: one row per step; val_metric where validated."""
        columns = ["step", "loss", "grad_norm", "lr", "clip", "seconds", "val_metric"]
        return pd.DataFrame(self.history, columns=columns)

    def summary(self) -> dict:
        """One-line summary of the run so far (what the CLI prints)."""
        val = self.validate()
        return {"task": self.task.name, "arch": self.config.arch, "steps": self.step_count,
                "train_loss": self.history[-1]["loss"] if self.history else None,
                "val_metric": val, "metric": self.task.metric_name,
                "baseline": self.task.baseline()}
