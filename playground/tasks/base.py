"""The task interface: what every task declares and how the trainer talks to it.

A task makes batches and scores outputs. The network always returns one output
per timestep, ``out`` of shape (B, T, O); the task decides which steps count:
many-to-one tasks read ``out[:, -1]``, many-to-many tasks read every step or a
masked subset (``Batch.mask``), encoder-decoder tasks read only the decoding steps.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Protocol

import torch
import torch.nn.functional as F

TOPOLOGIES = {
    "one-to-one": "one input, one output (a plain feed-forward net)",
    "one-to-many": "one input, then a sequence of outputs",
    "many-to-one": "a sequence in, one output at the end",
    "many-to-many (synchronised)": "an output at every input step",
    "many-to-many (encoder-decoder)": "read the whole sequence, then write another",
}


@dataclass
class Batch:
    """One batch of a task.

    x: (B, T, I) float inputs, or (B, T) long token ids when the task has a vocabulary.
    y: targets: (B, O) / (B,) for many-to-one, (B, T, O) / (B, T) for many-to-many.
    mask: (B, T) bool, the steps whose outputs are scored (many-to-many only), or None = all.
    labels: (B,) an optional per-sequence label used to colour trajectories.
    """

    x: torch.Tensor
    y: torch.Tensor
    mask: torch.Tensor | None = None
    labels: torch.Tensor | None = None


class WindowStream(Protocol):
    """Training batches in which row b of window w + 1 continues row b of window w."""

    count: int      # windows in one pass; window 0 starts a pass afresh (no state carries into it)

    def window(self, index: int) -> Batch:
        """Window ``index`` mod ``count`` of every reader."""


@dataclass
class Task:
    """Base class of every task. Subclasses set the class attributes and implement sample().

    Attributes:
        name: registry key. title: human name. topology: a key of TOPOLOGIES.
        input_size: features per step (ignored when vocab_size > 0).
        vocab_size: > 0 when x holds token ids (the network then embeds them).
        output_size: outputs per step (classes for classification).
        loss_kind: "mse" (regression) or "ce" (classification / next token).
        metric_name: the human metric ("MSE", "accuracy", "bits/char").
        higher_is_better: direction of the metric.
        many_to_one: True when only the last step's output is scored (read from the topology).
        explain (class): one or two sentences for the UI: what it tests, what to look for.
        defaults (class): suggested RunConfig settings for this task, e.g. {"seq_len": 8}.
        streams (class): True when the task can also be read as one long stream in consecutive
            windows (``windows``), so a run may carry h from window to window (truncated BPTT).
        mark_channel (class): the input feature that marks the steps that matter (e.g. the adding
            problem's two numbers), or None; the unit search offers "between marks" with one.
        future_in_targets (class): True when a target is a later input (forecasting, language
            models, generation): a network that reads ahead (bidirectional) would read the answer.
        source_target (class): True when a batch holds a source and a target sequence on one
            timeline (source, GO, outputs), so an encoder–decoder can read one and write the other;
            such a task gives ``source_steps`` and ``first_output``.

    Subclasses implement ``sample`` and ``compute_baseline``; ``baseline`` caches the latter.
    Only ``seq_len`` (and a task's own settings such as ``lag``) are constructor arguments.
    """

    explain: ClassVar[str] = ""
    defaults: ClassVar[dict] = {}
    streams: ClassVar[bool] = False
    mark_channel: ClassVar[int | None] = None
    future_in_targets: ClassVar[bool] = False
    source_target: ClassVar[bool] = False

    seq_len: int = 50
    # What a task is, declared once per task class as plain class attributes (only those
    # that differ from these defaults); a task built from data may set them per instance.
    name = ""
    title = ""
    topology = "many-to-one"
    input_size = 1
    vocab_size = 0
    output_size = 1
    loss_kind = "mse"
    metric_name = "MSE"
    higher_is_better = False

    @classmethod
    def check(cls, settings: Mapping[str, Any]) -> None:
        """Raise ConfigError when the constructor ``settings`` cannot make this task; builds no data.

        A task with a rule on its settings (a lag shorter than the sequence) states it here and
        calls it from ``__post_init__``, so validating a config and building its task agree.
        """

    @property
    def many_to_one(self) -> bool:
        """True when only the last step's output is scored: the topology ends in one output."""
        return self.topology.endswith("-to-one")

    @property
    def steps(self) -> int:
        """Timesteps T the network runs: seq_len, except where a task says otherwise (reverse)."""
        return self.seq_len

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Return a batch drawn with ``generator`` from the ``split`` ("train" or "val")."""
        raise NotImplementedError

    def windows(self, batch_size: int) -> "WindowStream":
        """The training data as ``batch_size`` readers of consecutive windows (tasks with ``streams``)."""
        raise NotImplementedError(f"the {self.name} task has no stream of consecutive windows")

    # --- scoring -----------------------------------------------------------------
    def scored(self, out: torch.Tensor, batch: Batch) -> tuple[torch.Tensor, torch.Tensor]:
        """The outputs and targets that count, flattened to (N, O) and (N,)/(N, O)."""
        if self.many_to_one:
            pred, target = out[:, -1], batch.y
        else:
            pred, target = out, batch.y
            if batch.mask is not None:
                pred, target = pred[batch.mask], target[batch.mask]
        if self.loss_kind == "ce":
            return pred.reshape(-1, pred.shape[-1]), target.reshape(-1)
        return pred.reshape(-1, pred.shape[-1]), target.reshape(-1, pred.shape[-1])

    def loss(self, out: torch.Tensor, batch: Batch) -> torch.Tensor:
        """Training loss of network outputs ``out`` (B, T, O) on ``batch``."""
        pred, target = self.scored(out, batch)
        if self.loss_kind == "ce":
            return F.cross_entropy(pred, target)
        return F.mse_loss(pred, target)

    def metric(self, out: torch.Tensor, batch: Batch) -> float:
        """The human metric: MSE, accuracy or bits per character."""
        pred, target = self.scored(out, batch)
        if self.metric_name == "accuracy":
            return (pred.argmax(-1) == target).float().mean().item()
        if self.metric_name == "bits/char":
            return F.cross_entropy(pred, target).item() / 0.6931471805599453
        return F.mse_loss(pred, target).item()

    def baseline(self) -> float:
        """The metric a trivial, input-blind (or memoryless) predictor reaches, computed once."""
        value = self.__dict__.get("_baseline_value")
        if value is None:
            value = self.__dict__["_baseline_value"] = float(self.compute_baseline())
        return value

    def compute_baseline(self) -> float:
        """Compute the baseline metric (on a large fixed-seed sample or the validation split)."""
        raise NotImplementedError

    def baseline_name(self) -> str:
        """One line naming the trivial predictor, e.g. 'always predict 1'."""
        return "trivial predictor"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """A probe example for display: {'kind': 'series'|'sequence'|'text'|'label', ...}."""
        return {"kind": "none"}
