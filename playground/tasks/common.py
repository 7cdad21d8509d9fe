"""Small helpers the tasks share: baseline arithmetic and JSON-able example views."""
from __future__ import annotations

from typing import Any, Mapping

import torch

from playground.errors import ConfigError

BASELINE_SEED = 12345   # fixed seed of the large samples that baselines are computed on
BASELINE_BATCH = 4096   # sequences in such a sample


def baseline_generator(offset: int = 0) -> torch.Generator:
    """A fresh generator for baseline samples (``offset`` gives an independent stream)."""
    return torch.Generator().manual_seed(BASELINE_SEED + offset)


def majority_accuracy(fit_targets: torch.Tensor, eval_targets: torch.Tensor, classes: int) -> float:
    """Accuracy on ``eval_targets`` of always answering the most common class of ``fit_targets``."""
    mode = torch.bincount(fit_targets.reshape(-1), minlength=classes).argmax()
    return (eval_targets == mode).float().mean().item()


def floats(values: torch.Tensor, digits: int = 4) -> list:
    """A tensor as (nested) plain Python floats, rounded for display."""
    def rounded(v):
        return [rounded(w) for w in v] if isinstance(v, list) else round(v, digits)
    return rounded(values.detach().float().tolist())


def series_example(x: torch.Tensor, y: torch.Tensor, pred: torch.Tensor) -> dict:
    """{'kind': 'series', ...} from one sequence: x (T, I), y and pred (T, O) or (O,)."""
    x = x[:, 0] if x.dim() == 2 and x.shape[1] == 1 else x
    y = y[..., 0] if y.shape[-1] == 1 else y
    pred = pred[..., 0] if pred.shape[-1] == 1 else pred
    return {"kind": "series", "input": floats(x), "target": floats(y.reshape(-1) if y.dim() == 0 else y),
            "prediction": floats(pred.reshape(-1) if pred.dim() == 0 else pred)}


def sequence_example(symbols: list[str], x: torch.Tensor, y: torch.Tensor,
                     pred: torch.Tensor, mask: torch.Tensor, blank: str = "·") -> dict:
    """{'kind': 'sequence', ...}: input symbols, and target/prediction at scored steps (``blank`` elsewhere).

    x: (T,) ids into ``symbols``; y, pred: (T,) class ids; mask: (T,) bool.
    """
    keep = mask.tolist()
    return {"kind": "sequence",
            "input": [symbols[i] for i in x.tolist()],
            "target": [symbols[i] if k else blank for i, k in zip(y.tolist(), keep)],
            "prediction": [symbols[i] if k else blank for i, k in zip(pred.tolist(), keep)]}


class LagInsideSequence:
    """For tasks with a ``lag``: it must fall inside the sequence (1 <= lag < seq_len), checked by the
    task's ``check`` (a config) and again when the task is built."""

    @classmethod
    def check(cls, settings: Mapping[str, Any]) -> None:
        """The lag must fall inside the sequence, leaving at least one step scored."""
        seq_len, lag = settings["seq_len"], settings["lag"]
        if not 1 <= lag < seq_len:
            raise ConfigError(f"{cls.name} needs 1 <= lag < seq_len (got lag={lag}, seq_len={seq_len})")

    def __post_init__(self) -> None:
        self.check({"seq_len": self.seq_len, "lag": self.lag})
