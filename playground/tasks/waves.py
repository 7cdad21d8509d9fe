"""Synthetic wave tasks: forecast a noisy sum of sines (sine), or generate one from a code (sinegen)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from playground.tasks.base import Batch, Task
from playground.tasks.common import BASELINE_BATCH, baseline_generator, series_example
from playground.tasks.forecast import ForecastTask

NOISE = 0.05                    # sine: standard deviation of the added noise
PERIODS = (8.0, 40.0)           # sine: range of each component's period, in steps
GEN_PERIOD = 20.0               # sinegen: steps per cycle at frequency code f = 1
GEN_FREQS = (0.5, 2.0)          # sinegen: range of f

# sine: one rand(B, 9) -> amplitudes (3), frequencies (3), phases (3), as offset + u * scale. The
# third amplitude is drawn from U(-0.4, 0.8) and thresholded at 0.2: zero half the time, else U(0.2, 0.8).
_F_LO, _F_HI = 1 / PERIODS[1], 1 / PERIODS[0]
DRAW_SCALE = torch.tensor([0.6, 0.6, 1.2] + [_F_HI - _F_LO] * 3 + [2 * math.pi] * 3)
DRAW_OFFSET = torch.tensor([0.2, 0.2, -0.4] + [_F_LO] * 3 + [0.0] * 3)


def phases(start: int, stop: int, period: float = 1.0) -> torch.Tensor:
    """2π t / period for the steps t = start..stop-1 (float32): the angle of a wave at each step."""
    return (2 * math.pi / period) * torch.arange(start, stop, dtype=torch.float32)


@dataclass
class SineTask(ForecastTask):
    """Next-step forecasting of a noisy sum of 2 or 3 sines with random periods and phases.

    Encoding, T=4, series s_0..s_4 (B, T+1)::

        s = 0.00  0.41  0.73  0.88  0.79
        x = s_0..s_3   (B, T, 1)
        y = s_1..s_4   (B, T, 1)    predict the next value at every step

    s_t = sum_k a_k sin(2π f_k t + φ_k) + noise, with a_k ~ U(0.2, 0.8), f_k ~ U(1/40, 1/8) per step,
    φ_k ~ U(0, 2π), noise ~ N(0, 0.05²); the third sine is present half the time.
    Topology: many-to-many (synchronised); MSE at every step.
    Baseline: persistence (predict the last value seen), computed on a sample.
    """

    name = "sine"
    title = "Forecast a sum of sines"

    explain = ("Predict the next value of a noisy mix of sines. Beating persistence means the net "
               "has inferred the frequencies from the steps so far; early steps stay harder.")
    defaults = {"seq_len": 50}

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """A batch of series; x is s[0:T], y is s[1:T+1]."""
        B, T = batch_size, self.seq_len
        r = torch.addcmul(DRAW_OFFSET, torch.rand(B, 9, generator=generator), DRAW_SCALE)
        amp = F.threshold(r[:, 0:3], 0.2, 0.0)                           # (B, 3)
        t = phases(0, T + 1).view(1, 1, -1)                                # 2π t, t = 0..T
        angle = torch.addcmul(r[:, 6:9, None], r[:, 3:6, None], t)        # (B, 3, T+1)
        s = (amp[:, :, None] * angle.sin_()).sum(1, keepdim=True)         # (B, 1, T+1)
        s.add_(torch.randn(B, 1, T + 1, generator=generator), alpha=NOISE)
        return self.next_step(s.transpose(1, 2))                           # (B, T+1, 1)

    def compute_baseline(self) -> float:
        """MSE of predicting y_t = x_t on a large fixed-seed sample."""
        batch = self.sample(BASELINE_BATCH, baseline_generator())
        return self.metric(batch.x, batch)


@dataclass
class SineGenTask(Task):
    """Generate a sine wave from one number: a frequency code at t=0, then silence.

    Encoding, T=4, f = 1.25 (code (f - 1.25) / 0.75 = 0)::

        x = 0.0  0    0    0       the code, then zeros   (B, T, 1)
        y = sin(2π f (t+1) / 20)   for t = 0..T-1          (B, T, 1)

    f ~ U(0.5, 2), so the period is 10 to 40 steps.
    Topology: one-to-many; MSE at every step.
    Baseline: always predict 0 (the mean of a sine over a cycle), computed on a sample.
    Labels: the frequency bin (0..3, slow to fast).
    """

    future_in_targets = True      # generation writes forwards in time; a network reading ahead is refused

    name = "sinegen"
    title = "Generate a sine from its frequency"
    topology = "one-to-many"
    label_bins = 4              # a sequence's label: its frequency bin, slow to fast

    explain = ("One input, a whole wave out: the net must turn a frequency code into an oscillator "
               "that keeps its phase. Look for rotating trajectories in the hidden-state plot.")
    defaults = {"seq_len": 60}

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Codes at t=0, zeros after; y the wave of that frequency."""
        u = torch.rand(batch_size, 1, 1, generator=generator)             # (B, 1, 1)
        t = phases(1, self.seq_len + 1, GEN_PERIOD).view(1, -1, 1)       # 2π t / 20, t = 1..T
        y = torch.sin((u * (GEN_FREQS[1] - GEN_FREQS[0]) + GEN_FREQS[0]) * t)   # (B, T, 1)
        x = torch.zeros(batch_size, self.seq_len, 1)
        x[:, :1] = u * 2 - 1                                               # (f - 1.25) / 0.75
        return Batch(x, y, labels=(u.view(-1) * self.label_bins).long())

    def compute_baseline(self) -> float:
        """MSE of the constant 0 on a large fixed-seed sample."""
        batch = self.sample(BASELINE_BATCH, baseline_generator())
        return self.metric(torch.zeros_like(batch.y), batch)

    def baseline_name(self) -> str:
        """The trivial predictor."""
        return "always predict 0 (a sine's mean)"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """The code, target wave and generated wave."""
        return series_example(batch.x[index], batch.y[index], out[index])
