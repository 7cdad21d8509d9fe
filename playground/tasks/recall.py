"""Synthetic memory tasks over K=8 symbols: delayed copy, sequence reversal and sorting."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import torch

from playground.errors import ConfigError
from playground.tasks.base import Batch, Task
from playground.tasks.common import BASELINE_BATCH, baseline_generator, majority_accuracy, sequence_example, LagInsideSequence

K = 8                       # symbols 0..7
MAX_REVERSE_LEN = 100       # reverse runs 2 * seq_len + 1 steps
SYMBOLS = [str(k) for k in range(K)]


@dataclass
class SymbolTask(Task):
    """What copy and reverse share: K-symbol targets scored by accuracy at masked steps.

    Baseline: memoryless — the most common symbol of a training sample (about 1/K), computed.
    """

    output_size = K
    loss_kind = "ce"
    metric_name = "accuracy"
    higher_is_better = True

    def compute_baseline(self) -> float:
        """Most common symbol of one fixed-seed sample, scored on another."""
        fit = self.sample(BASELINE_BATCH, baseline_generator())
        val = self.sample(BASELINE_BATCH, baseline_generator(1))
        return majority_accuracy(fit.y[fit.mask], val.y[val.mask], K)

    def baseline_name(self) -> str:
        """The memoryless predictor."""
        return "memoryless: always the most common symbol"


@dataclass
class CopyTask(LagInsideSequence, SymbolTask):
    """Delayed recall: at step t, output the symbol seen ``lag`` steps earlier.

    Encoding, T=6, lag=2 (token ids, embedded by the network)::

        x = 3 1 4 1 5 2
        y = · · 3 1 4 1      y_t = x_{t-lag}; steps t < lag (·) are not scored

    Topology: many-to-many (synchronised); 8-class cross-entropy on the masked steps; accuracy.
    Baseline: memoryless — x_t says nothing about x_{t-lag}, so the best is the most common
    symbol of a training sample: accuracy about 1/8, computed.
    Labels: the symbol due at the last step.
    """

    lag: int = 10
    name = "copy"
    title = "Copy with a lag"
    topology = "many-to-many (synchronised)"
    vocab_size = K

    explain = ("Echo each symbol `lag` steps later: the net must hold a queue of the last `lag` "
               "symbols. Accuracy above 1/8 is memory; watch the GRU update gate hold on.")
    defaults = {"seq_len": 30, "lag": 10}

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Uniform symbols; y shifted right by ``lag``; mask t >= lag."""
        T, lag = self.seq_len, self.lag
        x = torch.randint(0, K, (batch_size, T), generator=generator)    # (B, T)
        y = torch.zeros_like(x)
        y[:, lag:] = x[:, :-lag]
        mask = (torch.arange(T) >= lag).expand(batch_size, T)            # (B, T)
        return Batch(x, y, mask, labels=y[:, -1])

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Input symbols; target and predicted symbols at the scored steps."""
        return sequence_example(SYMBOLS, batch.x[index], batch.y[index], out[index].argmax(-1),
                                batch.mask[index])


@dataclass
class ReverseTask(SymbolTask):
    """Encoder-decoder reversal: read L symbols, then write them back in reverse order.

    Encoding, seq_len = L = 3; the network runs 2L+1 = 7 steps (ids 0..7 symbols, 8 GO, 9 blank)::

        x = 5 2 7 GO _ _ _
        y = · · · ·  7 2 5     scored only at the L decode steps after GO

    Topology: many-to-many (encoder-decoder); 8-class cross-entropy on the decode steps; accuracy.
    seq_len is L, at most 100 (so T = 2L+1 <= 201).
    Baseline: memoryless — the most common symbol of a training sample: about 1/8, computed.
    Labels: the first input symbol (the last one to write).
    """

    name = "reverse"
    title = "Reverse a sequence"
    topology = "many-to-many (encoder-decoder)"
    vocab_size = K + 2
    source_target = True        # an encoder–decoder reads x[:, :L] and writes y from step L + 1

    explain = ("Read a sequence, then write it backwards after GO: everything must be stored in the "
               "state at GO. Accuracy falls first on the symbols read earliest.")
    defaults = {"seq_len": 8}

    @classmethod
    def check(cls, settings: Mapping[str, Any]) -> None:
        """The sequence, read and then written back, must fit the longest run the task allows."""
        if not 1 <= settings["seq_len"] <= MAX_REVERSE_LEN:
            raise ConfigError(f"{cls.name} runs 2*seq_len+1 steps, so seq_len must be between 1 and "
                              f"{MAX_REVERSE_LEN} (got {settings['seq_len']})")

    def __post_init__(self) -> None:
        self.check({"seq_len": self.seq_len})

    @property
    def steps(self) -> int:
        """Timesteps the network runs: L inputs, GO, L outputs."""
        return 2 * self.seq_len + 1

    @property
    def source_steps(self) -> int:
        """The source's steps at the start of the timeline (an encoder reads them): L."""
        return self.seq_len

    @property
    def first_output(self) -> int:
        """The timeline's first output step, after the source and GO: L + 1."""
        return self.seq_len + 1

    @staticmethod
    def arrange(seq: torch.Tensor) -> torch.Tensor:
        """The target of source symbols ``seq`` (B, L): the symbols reversed."""
        return seq.flip(1)

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """L symbols, GO, L blanks; y = the symbols arranged (``arrange``: reversed) at the blank steps."""
        B, L = batch_size, self.seq_len
        seq = torch.randint(0, K, (B, L), generator=generator)           # (B, L)
        x = torch.full((B, 2 * L + 1), K + 1, dtype=torch.long)         # blanks
        x[:, :L] = seq
        x[:, L] = K                                                      # GO
        y = torch.zeros_like(x)
        y[:, L + 1:] = self.arrange(seq)
        mask = (torch.arange(2 * L + 1) > L).expand(B, 2 * L + 1)
        return Batch(x, y, mask, labels=seq[:, 0])

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Input symbols (with GO and blanks); target and prediction at the decode steps."""
        return sequence_example(SYMBOLS + ["GO", "_"], batch.x[index], batch.y[index],
                                out[index].argmax(-1), batch.mask[index])


@dataclass
class SortTask(ReverseTask):
    """Encoder-decoder sorting: read L symbols, then write them back in ascending order.

    Encoding, seq_len = L = 3; the network runs 2L+1 = 7 steps (ids 0..7 symbols, 8 GO, 9 blank)::

        x = 5 2 7 GO _ _ _
        y = · · · ·  2 5 7     scored only at the L decode steps after GO

    Topology: many-to-many (encoder-decoder); 8-class cross-entropy on the decode steps; accuracy.
    Baseline: memoryless — the most common symbol of a training sample: about 1/8, computed.
    Labels: the first input symbol.
    """

    name = "sort"
    title = "Sort a sequence"

    explain = ("Read a sequence, then write its symbols in ascending order after GO. With attention, "
               "each output step looks for the next-smallest symbol wherever it was read.")

    @staticmethod
    def arrange(seq: torch.Tensor) -> torch.Tensor:
        """The target of source symbols ``seq`` (B, L): the symbols sorted ascending."""
        return seq.sort(1).values
