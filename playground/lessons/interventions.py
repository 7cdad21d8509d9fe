"""Interventions on a trained model: clamp a gate, silence units, scale W_hh, and compare.

The probe batch is replayed twice through the cells, once as trained and once with
an ``Intervention``; the two Snapshots give the loss, the metric, the prediction
and every hidden state before and after. Nothing in the model is changed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from models.architectures import architecture
from models.network import Intervention, SequenceNet
from playground.errors import ConfigError
from playground.markup import literal
from playground.engine.probe import Snapshot, probe
from playground.tasks.base import Batch, Task


def clampable(arch: str) -> dict[str, str]:
    """The gates of ``arch`` an intervention may clamp (in the order the page lists them) -> what clamping means."""
    row = architecture(arch)
    return {gate: row.gate(gate).clamp_meaning for gate in row.clampable}


@dataclass
class InterventionResult:
    """Before/after snapshots of the same batch, and the edit that separates them."""

    intervention: Intervention
    before: Snapshot
    after: Snapshot

    @property
    def loss_change(self) -> float:
        """after − before of the training loss."""
        return self.after.loss - self.before.loss

    @property
    def metric_change(self) -> float:
        """after − before of the task's metric."""
        return self.after.metric - self.before.metric

    def hidden_change(self, sequence: int = 0) -> np.ndarray:
        """(T, H) after − before of the last layer's h_t for one probe sequence."""
        return self.after.hidden[-1][:, sequence] - self.before.hidden[-1][:, sequence]


def parse_units(text: str, hidden: int) -> tuple[int, ...]:
    """'3, 5-7' -> (3, 5, 6, 7); raises ConfigError with a readable reason."""
    units: set[int] = set()
    for part in filter(None, (p.strip() for p in text.replace(";", ",").split(","))):
        match = re.fullmatch(r"([0-9]{1,6}) *(?:- *([0-9]{1,6}))?", part)      # ASCII digits only
        if not match:
            raise ConfigError(f"{literal(part)} is not a unit number or a range like 5-7")
        lo = int(match.group(1))
        hi = int(match.group(2)) if match.group(2) else lo
        if lo > hi:
            lo, hi = hi, lo
        if hi >= hidden:
            raise ConfigError(f"unit {hi} does not exist: this model has units 0 to {hidden - 1}")
        units.update(range(lo, hi + 1))
    return tuple(sorted(units))


def make_intervention(arch: str, clamp: dict[str, float] | None = None, ablate: tuple[int, ...] = (),
                      scale_hh: float = 1.0) -> Intervention:
    """A checked Intervention for ``arch``: only its clampable gates, values in [0, 1], scale ≥ 0."""
    clamp = dict(clamp or {})
    for name, value in clamp.items():
        if name not in architecture(arch).clampable:
            raise ConfigError(f"the {arch} has no clampable gate '{name}'")
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"gate {name} must be clamped to a value in [0, 1] (got {value})")
    if not np.isfinite(scale_hh) or scale_hh < 0:
        raise ConfigError(f"the W_hh scale must be a finite number ≥ 0 (got {scale_hh})")
    if scale_hh != 1.0 and not architecture(arch).has_recurrent_matrix:
        raise ConfigError(f"the {architecture(arch).label} has no recurrent matrix W_hh to scale (scale must be 1)")
    return Intervention(clamp=clamp, ablate=tuple(ablate), scale_hh=float(scale_hh))


def compare_intervention(net: SequenceNet, task: Task, batch: Batch, intervention: Intervention,
                         step: int = 0) -> InterventionResult:
    """Probe ``batch`` as trained and with ``intervention``; the model itself is untouched."""
    before = probe(net, task, batch, step, jacobian=False)
    after = probe(net, task, batch, step, intervention=intervention, jacobian=False)
    return InterventionResult(intervention, before, after)


def describe_intervention(iv: Intervention) -> str:
    """The edit in words, e.g. 'gate f clamped to 1; units 3, 4 silenced'."""
    parts = [f"gate {k} clamped to {v:g}" for k, v in iv.clamp.items()]
    if iv.ablate:
        parts.append("unit" + ("s " if len(iv.ablate) > 1 else " ") + ", ".join(map(str, iv.ablate)) + " silenced")
    if iv.scale_hh != 1.0:
        parts.append(f"W_hh scaled by {iv.scale_hh:g}")
    return "; ".join(parts) if parts else "no change"
