"""Next-step forecasting, the shape the sine and the real-series tasks share.

A forecasting batch is a window of T+1 points: x = s_0..s_{T-1}, y = s_1..s_T, and every
step is scored (MSE). The naive forecast to beat is persistence: predict the last value.
"""
from __future__ import annotations

from dataclasses import dataclass
import torch

from playground.tasks.base import Batch, Task
from playground.tasks.common import series_example


@dataclass
class ForecastTask(Task):
    """Base of the next-step forecasting tasks: synchronised many-to-many, a persistence baseline."""

    future_in_targets = True      # the targets are later values: reading ahead would read the answer

    topology = "many-to-many (synchronised)"

    @staticmethod
    def next_step(window: torch.Tensor) -> Batch:
        """The batch of a (B, T+1, C) window: x its first T points, y its last T."""
        return Batch(window[:, :-1], window[:, 1:])

    def baseline_name(self) -> str:
        """The naive forecast."""
        return "persistence: predict the last value seen"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Input window, next values and predictions (the first channel of a multichannel series)."""
        return series_example(batch.x[index], batch.y[index], out[index])
