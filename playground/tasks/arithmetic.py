"""Synthetic tasks that add, count or XOR what they read: adding, parity, counting."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from playground.tasks.base import Batch, Task
from playground.tasks.common import BASELINE_BATCH, baseline_generator, majority_accuracy, series_example

P_ONE = 0.2  # counting: probability that a bit is 1


@dataclass
class AddingTask(Task):
    """The adding problem in Le et al.'s (2015) variant: sum the two marked numbers.

    Hochreiter & Schmidhuber's (1997) original draws the values from [-1, 1] and asks for a scaled
    sum, 0.5 + (x1 + x2) / 4; this one (Le et al. 2015) draws them
    from U(0, 1) and asks for the plain sum, so the baseline MSE is 1/6.

    Encoding, T=4 (two channels per step: a value and a marker)::

        x[:, 0] = 0.3  0.9  0.1  0.6      values ~ U(0, 1)
        x[:, 1] = 1    0    0    1        one mark in each half
        y       = 0.3 + 0.6 = 0.9         (B, 1)

    With T=1 the single step is marked and y = x (one-to-one).
    Topology: many-to-one; MSE on the last step's output.
    Baseline: always predict E[y] = 1 (0.5 when T=1): MSE = 1/6 (1/12), computed on a sample.
    Labels: the bin of y in steps of 0.5 (0..3).
    """

    name = "adding"
    title = "Adding problem"
    input_size = 2
    mark_channel = 1                    # x[:, 1] marks the two numbers to add

    explain = ("Remember two marked numbers seen far apart and add them at the end (Le et al.'s 2015 "
               "variant: values U(0, 1), the plain sum). Predicting 1 every time scores MSE 0.167.")
    defaults = {"seq_len": 50}

    def __post_init__(self) -> None:
        half = self.seq_len // 2
        # marker positions = floor(u * span + start): one in [0, half), one in [half, T)
        self._span = torch.tensor([half, self.seq_len - half], dtype=torch.float32)
        self._start = torch.tensor([0.0, half])

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Values U(0,1), one marker in each half; y = sum of the two marked values."""
        x = torch.rand(batch_size, self.seq_len, 2, generator=generator)  # (B, T, 2)
        values, marker = x[..., 0], x[..., 1]
        marker.zero_()
        if self.seq_len == 1:
            marker.fill_(1.0)
            y = values.clone()                                            # (B, 1)
        else:
            idx = (torch.rand(batch_size, 2, generator=generator) * self._span + self._start).long()
            marker.scatter_(1, idx, 1.0)
            y = values.gather(1, idx).sum(1, keepdim=True)                # (B, 1)
        return Batch(x, y, labels=(y[:, 0] * 2).long())

    def mean_target(self) -> float:
        """E[y]: 1 with two marks, 0.5 with one."""
        return 1.0 if self.seq_len > 1 else 0.5

    def compute_baseline(self) -> float:
        """MSE of always predicting E[y] on a large fixed-seed sample."""
        batch = self.sample(BASELINE_BATCH, baseline_generator())
        out = torch.full((BASELINE_BATCH, 1, 1), self.mean_target())
        return self.metric(out, batch)

    def baseline_name(self) -> str:
        """The trivial predictor."""
        return f"always predict {self.mean_target():g} (the mean sum)"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Values, markers, the true sum and the prediction at the last step."""
        example = series_example(batch.x[index, :, 0], batch.y[index], out[index, -1])
        example["marker"] = [int(v) for v in batch.x[index, :, 1].tolist()]
        return example


@dataclass
class ParityTask(Task):
    """Parity: is the number of ones odd? The XOR of every bit.

    Encoding, T=5::

        x = 1 0 1 1 0   (B, T, 1) floats
        y = 3 mod 2 = 1 (B,) class id

    Topology: many-to-one; 2-class cross-entropy on the last step; accuracy.
    Baseline: always answer the majority class of a training sample, about 0.5.
    Labels: y.
    """

    name = "parity"
    title = "Parity (XOR of all bits)"
    output_size = 2
    loss_kind = "ce"
    metric_name = "accuracy"
    higher_is_better = True

    explain = ("Every bit flips the answer, so nothing can be forgotten. Easy for short sequences, "
               "very hard for long ones: accuracy sits at 0.5 until the net finds the trick.")
    defaults = {"seq_len": 10}

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Random bits; y = their sum mod 2."""
        bits = torch.randint(0, 2, (batch_size, self.seq_len, 1), generator=generator)
        y = bits.sum((1, 2)) % 2                                          # (B,)
        return Batch(bits.float(), y, labels=y)

    def compute_baseline(self) -> float:
        """Majority class of one fixed-seed sample, scored on another."""
        fit = self.sample(BASELINE_BATCH, baseline_generator()).y
        return majority_accuracy(fit, self.sample(BASELINE_BATCH, baseline_generator(1)).y, 2)

    def baseline_name(self) -> str:
        """The trivial predictor."""
        return "always answer the more common parity"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """The bits, the true parity and the predicted one."""
        names = ("0 (even)", "1 (odd)")
        return {"kind": "label", "input": "".join(str(int(b)) for b in batch.x[index, :, 0].tolist()),
                "target": names[int(batch.y[index])], "prediction": names[int(out[index, -1].argmax())]}


@dataclass
class CountingTask(Task):
    """Counting: report, at every step, how many ones have been seen so far.

    Encoding, T=5, scale = max(1, 0.2 T) = 1::

        x = 0 1 0 1 1     (B, T, 1), each bit 1 with probability 0.2
        y = 0 1 1 2 3     running count / scale, (B, T, 1)

    Topology: many-to-many (synchronised); MSE at every step.
    Baseline: always predict the mean target (one constant, fitted on a sample), computed.
    Labels: the total count.
    """

    name = "counting"
    title = "Counting ones"
    topology = "many-to-many (synchronised)"

    explain = ("A running count of the ones seen so far. Look at the cell state: an LSTM usually "
               "dedicates a unit to the count, a ramp that steps up at every 1.")
    defaults = {"seq_len": 50}

    @property
    def scale(self) -> float:
        """Targets are divided by this so they stay O(1)."""
        return max(1.0, P_ONE * self.seq_len)

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Bits with P(1) = 0.2; y_t = (x_0 + ... + x_t) / scale."""
        x = (torch.rand(batch_size, self.seq_len, 1, generator=generator) < P_ONE).float()
        count = x.cumsum(1)                                               # (B, T, 1)
        return Batch(x, count / self.scale, labels=count[:, -1, 0].long())

    def compute_baseline(self) -> float:
        """MSE of the mean target of one fixed-seed sample, on another."""
        mean = self.sample(BASELINE_BATCH, baseline_generator()).y.mean()
        batch = self.sample(BASELINE_BATCH, baseline_generator(1))
        return self.metric(mean.expand_as(batch.y), batch)

    def baseline_name(self) -> str:
        """The trivial predictor."""
        return "always predict the mean target (a constant)"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Bits, running count and prediction, in counts (times scale)."""
        example = series_example(batch.x[index], batch.y[index] * self.scale, out[index] * self.scale)
        example["input"] = [int(v) for v in example["input"]]
        return example
