"""A training history of bounded size: a redraw costs the same at step 100 and at step 1,000,000.

Rows are the trainer's per-step dicts. Up to ``capacity`` rows are kept as they came;
when the buffer is full, its older half is downsampled two to one: each pair becomes one
row at the later row's step, with the mean of loss and gradient norm weighted by the steps
each row stands for (so the curve's level is kept, its noise smoothed), the later row's
learning rate and clipping, the summed seconds, and the later validation value of the pair. The newest half always stays at full
resolution, so the live end of the curve never looks coarser than it is.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

COLUMNS = ("step", "loss", "grad_norm", "lr", "clip", "seconds", "val_metric")
MEAN_COLUMNS = ("loss", "grad_norm")
SUM_COLUMNS = ("seconds",)
CAPACITY = 2048


class History:
    """Per-step metrics in columns, at most ``capacity`` rows (older ones downsampled)."""

    def __init__(self, capacity: int = CAPACITY):
        if capacity < 4 or capacity % 2:
            raise ValueError("capacity must be an even number of at least 4")
        self.capacity = capacity
        self.columns = {name: np.full(capacity, np.nan) for name in COLUMNS}
        self.counts = np.zeros(capacity)       # steps each row stands for
        self.size = 0
        self.version = 0          # bumps when older rows are merged (a reader must take all rows again)

    def __len__(self) -> int:
        return self.size

    def append(self, row: dict) -> None:
        """Add one step's row (missing columns are NaN), downsampling first if full."""
        if self.size == self.capacity:
            self._downsample_older_half()
        for name in COLUMNS:
            value = row.get(name)
            self.columns[name][self.size] = np.nan if value is None else value
        self.counts[self.size] = 1
        self.size += 1

    def extend(self, rows) -> None:
        """Append several rows."""
        for row in rows:
            self.append(row)

    def _downsample_older_half(self) -> None:
        half = self.capacity // 2                       # rows [0, half) become half // 2 rows
        weights = self.counts[:half].reshape(-1, 2)
        merged = {}
        for name, col in self.columns.items():
            pairs = col[:half].reshape(-1, 2)
            if name in MEAN_COLUMNS:
                merged[name] = (pairs * weights).sum(axis=1) / weights.sum(axis=1)
            elif name in SUM_COLUMNS:
                merged[name] = np.nansum(pairs, axis=1)
            elif name == "val_metric":
                merged[name] = np.where(np.isnan(pairs[:, 1]), pairs[:, 0], pairs[:, 1])
            else:
                merged[name] = pairs[:, 1]
        merged_counts = weights.sum(axis=1)
        quarter = half // 2
        for name, col in [*self.columns.items(), ("", self.counts)]:
            col[:quarter] = merged[name] if name else merged_counts
            col[quarter:quarter + (self.size - half)] = col[half:self.size]
            col[quarter + self.size - half:] = np.nan if name else 0
        self.size -= half // 2
        self.version += 1

    def arrays(self) -> dict[str, np.ndarray]:
        """Copies of the filled part of every column."""
        return {name: col[:self.size].copy() for name, col in self.columns.items()}

    def state(self) -> dict[str, np.ndarray]:
        """Every column and the steps each row stands for (``"count"``): what ``restore`` takes."""
        return {**self.arrays(), "count": self.counts[:self.size].copy()}

    def restore(self, state: dict[str, np.ndarray]) -> None:
        """Refill from ``state()``'s output, so later appends merge exactly as they would have.

        Raises ValueError when the columns are missing, of unequal length, or longer than the buffer.
        """
        names = (*COLUMNS, "count")
        if any(name not in state for name in names):
            raise ValueError("a saved history needs the columns " + ", ".join(names))
        lengths = {len(np.asarray(state[name]).reshape(-1)) for name in names}
        if len(lengths) != 1 or lengths.pop() > self.capacity:
            raise ValueError(f"a saved history's columns must have one length of at most {self.capacity}")
        size = len(np.asarray(state["step"]).reshape(-1))
        for name, col in self.columns.items():
            col[:] = np.nan
            col[:size] = np.asarray(state[name], dtype=float).reshape(-1)
        self.counts[:] = 0
        self.counts[:size] = np.asarray(state["count"], dtype=float).reshape(-1)
        self.size = size
        self.version += 1

    def last(self) -> dict | None:
        """The newest row as a dict (NaN for a missing validation value), or None when empty."""
        if not self.size:
            return None
        return {name: float(col[self.size - 1]) for name, col in self.columns.items()}


def history_frame(arrays: dict[str, np.ndarray] | None) -> pd.DataFrame:
    """The columns as a table with the trainer's columns (empty when there is nothing yet)."""
    if not arrays:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = pd.DataFrame({name: arrays[name] for name in COLUMNS})
    frame["step"] = frame["step"].astype("int64")
    return frame
