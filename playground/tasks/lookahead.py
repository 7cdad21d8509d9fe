"""A task where the future matters: at every step, output the sum of the next ``lag`` inputs.

It is the mirror of the copy task (which reads ``lag`` steps back): here the answer at step t
lies entirely in inputs the network has not read yet at t, so only a network that also reads the
sequence backwards (a bidirectional RNN, Schuster & Paliwal 1997) can beat the baseline.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from playground.tasks.base import Batch, Task
from playground.tasks.common import BASELINE_BATCH, baseline_generator, series_example, LagInsideSequence

LABEL_BINS = 4              # labels: the first scored target in this many equal bins of [0, lag]


@dataclass
class LookaheadTask(LagInsideSequence, Task):
    """Sum of the next ``lag`` inputs: y_t = x_{t+1} + … + x_{t+lag}.

    Encoding, T=6, lag=2 (one channel per step)::

        x = 0.3  0.9  0.1  0.6  0.2  0.8      values ~ U(0, 1)
        y = 1.0  0.7  0.8  1.0   ·    ·       y_t = x_{t+1} + x_{t+2}; the last ``lag`` steps (·) are not scored

    Topology: many-to-many (synchronised); MSE at the T − lag scored steps.
    Baseline: always predict the mean, E[y_t] = lag/2: MSE = Var(y_t) = lag/12, computed on a sample.

    Why a unidirectional cell cannot beat the baseline: its output at step t is a function of
    x_0..x_t only, and y_t is a sum of inputs after t, independent of those. For any such output
    f, E[(f − y_t)²] = Var(y_t) + E[(f − E y_t)²] ≥ Var(y_t): the best it can do is the mean, which
    is the baseline. Whatever it has seen tells it nothing about what comes next. A bidirectional
    network's backward direction has read x_{T−1}..x_t at step t, and can carry the window it needs.
    Labels: the first target y_0 in ``LABEL_BINS`` bins of [0, lag].
    """

    lag: int = 3
    name = "lookahead"
    title = "Sum the next inputs"
    topology = "many-to-many (synchronised)"

    explain = ("At each step, output the sum of the next `lag` inputs: the answer lies in the future. "
               "A one-way RNN cannot beat predicting the mean; a bidirectional one reads it backwards.")
    defaults = {"seq_len": 20, "lag": 3}

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Values U(0, 1); y_t the sum of the next ``lag`` values; mask t < T − lag."""
        T, lag = self.seq_len, self.lag
        x = torch.rand(batch_size, T, 1, generator=generator)                   # (B, T, 1)
        sums = torch.nn.functional.pad(x[..., 0].cumsum(1), (1, 0))     # (B, T+1): sums[:, t] = x_0 + … + x_{t−1}
        y = torch.zeros_like(x)
        y[:, :T - lag, 0] = sums[:, lag + 1:] - sums[:, 1:T - lag + 1]          # x_{t+1} + … + x_{t+lag}
        mask = (torch.arange(T) < T - lag).expand(batch_size, T)               # (B, T)
        labels = (y[:, 0, 0] * (LABEL_BINS / lag)).long().clamp(0, LABEL_BINS - 1)
        return Batch(x, y, mask, labels=labels)

    def mean_target(self) -> float:
        """E[y_t] = lag/2: what the baseline predicts."""
        return self.lag / 2

    def compute_baseline(self) -> float:
        """MSE of always predicting E[y_t] on a large fixed-seed sample (about lag/12)."""
        batch = self.sample(BASELINE_BATCH, baseline_generator())
        out = torch.full((BASELINE_BATCH, self.seq_len, 1), self.mean_target())
        return self.metric(out, batch)

    def baseline_name(self) -> str:
        """The trivial predictor, which no unidirectional network can beat."""
        return f"always predict {self.mean_target():g} (the mean sum; the best without reading ahead)"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Every input; target and prediction at the scored steps (the first T − lag)."""
        scored = self.seq_len - self.lag
        return series_example(batch.x[index], batch.y[index, :scored], out[index, :scored])
