"""What a parked run keeps while it is freed in the backend, and what brings it back exactly.

A run that is paused and unread for a while is parked (``RunHandle.park``): its worker hands
over its resume state (weights, optimizer moments, data stream, bounded history: everything
``LiveRun.resume_state`` holds) and the run is closed, so its memory and its place in the
session's ledger are free. Submitting that state again (with the probe records, so the
views over training keep their past) continues the run as if it had never stopped: the
same next batches, the same next losses.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

from playground.backends.interface import RunView
from playground.config import RunConfig

RECORDS_KEY = "records"      # the probe records travel with a parked run's resume state, not in saved files


@dataclass
class ParkedRun:
    """A saved run: its config, weights, resume state and the last view the pages read of it."""

    config: RunConfig
    weights: dict
    resume: dict
    view: RunView

    def resume_with_weights(self) -> dict:
        """The state as ``RunHandle.resume_state`` gives it (weights included, records left out)."""
        return {"weights": self.weights, **{k: v for k, v in self.resume.items() if k != RECORDS_KEY}}


def park_state(view: RunView, state: dict) -> ParkedRun:
    """What to keep of a run whose worker handed over ``state`` (``LiveRun.resume_state()``).

    The view is copied as the pages last read it (a parked run that cannot come back yet still
    shows its counters, history and charts), marked paused.
    """
    kept = copy.copy(view)
    kept.wanted = kept.running = False
    kept.queue_position, kept.resume = None, None
    resume = {k: v for k, v in state.items() if k != "weights"}
    resume[RECORDS_KEY] = list(view.records)
    return ParkedRun(view.config, state["weights"], resume, kept)
