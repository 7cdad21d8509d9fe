"""Which run settings a running run takes without a reset, read once from the field table's ``live`` column.

A setting whose row in ``playground.config.FIELDS`` has ``live`` set (the learning rate, clipping)
reaches the running model through one path: the page finds what changed (``live_changes``), the
run's handle sends it, and the trainer applies it (``Trainer.apply_live``, which reads how from the
same column). Any other setting is structural: changing it needs a fresh model (``needs_reset``).
"""
from __future__ import annotations

from typing import Any

from playground.config import FIELDS, RunConfig

LIVE = tuple(name for name, spec in FIELDS.items() if spec.live)
STRUCTURAL = tuple(name for name, spec in FIELDS.items() if not spec.live)


def needs_reset(current: RunConfig, wanted: RunConfig) -> bool:
    """True when a run of ``current`` cannot become a run of ``wanted`` without a fresh model."""
    return any(getattr(current, name) != getattr(wanted, name) for name in STRUCTURAL)


def live_changes(current: RunConfig, wanted: RunConfig) -> dict[str, Any]:
    """The live settings in which ``wanted`` differs from ``current``, with their new values."""
    return {name: getattr(wanted, name) for name in LIVE if getattr(current, name) != getattr(wanted, name)}
