"""Where a gate opens: its mean at the timesteps a task marks against its mean elsewhere.

The "Δ is a gate" lesson of the deck "From LSTMs to Mamba": after training on the adding
problem, S6's step size Δ_t is larger at the two marked steps than at the others, because the
layer writes where there is something to add. ``marked_ratio`` measures that on a probe snapshot,
for any gate a cell's step returns and any task with a ``mark_channel``.
"""
from __future__ import annotations

import numpy as np


def marked_ratio(gate: np.ndarray, inputs: np.ndarray, mark_channel: int) -> float:
    """Mean of ``gate`` (T, B, H: one layer of a snapshot's gate) over its units and the marked steps,
    divided by its mean over the unmarked steps; ``inputs`` (B, T, I) mark a step where channel
    ``mark_channel`` is above 0.5. NaN when no step, or every step, is marked."""
    per_step = np.asarray(gate, dtype=float).mean(axis=-1).T          # (B, T)
    marked = np.asarray(inputs)[..., mark_channel] > 0.5               # (B, T)
    if marked.all() or not marked.any():
        return float("nan")
    return float(per_step[marked].mean() / per_step[~marked].mean())
