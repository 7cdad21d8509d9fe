"""Where a training step's windows come from, and how far back its gradient flows.

The trainer reads its data through a *feed*, which also runs the network's forward pass:

- ``RandomWindows``: each step a batch of windows at random starts, each read from h_0 = 0
  with full backpropagation through the window (every task; the default).
- ``CarriedState``: truncated backpropagation through time on a task that ``streams`` its
  data (the character models). Row b of one step's batch continues row b of the step before,
  the hidden state h (and an LSTM's c) carries across, and it is detached every k steps: the
  loss at step t reaches back to the last detach point before t, never further.

    window w                        window w + 1
    x_1 … x_k | x_k+1 … x_2k | …    x_1 … x_k | …
    h_0 = h_T of window w − 1 (detached), a cut every k steps and at every window's start

``truncation(config, task)`` is the one place that decides whether a run is truncated; the
probe draws its gradients with the same cut points (``cut_points``).
"""
from __future__ import annotations

import torch

from models.networks import training_forward
from playground.tasks.base import Batch, Task


def truncation(config, task: Task) -> int:
    """k, the steps between two detaches of h, for ``config`` on ``task``; 0 = no truncation.

    The ``tbptt`` setting applies to a task that streams its data; every other task ignores it.
    """
    return int(config.tbptt) if task.streams and config.tbptt > 0 else 0


def cut_points(steps: int, every: int) -> list[int]:
    """The timesteps t (1-based) whose incoming state h_{t−1} is detached inside a window of
    ``steps``: k + 1, 2k + 1, … (none when ``every`` is 0 or not below ``steps``)."""
    return list(range(every + 1, steps + 1, every)) if every > 0 else []


def detached(state):
    """The recurrent state (a tensor, or the LSTM's (h, c)) cut from the graph."""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def forward_truncated(net, x: torch.Tensor, state, every: int):
    """The fused forward of ``x`` (B, T, ...) from ``state`` (None: zeros), the state detached
    every ``every`` steps; returns (out (B, T, O), final state, still attached)."""
    outs = []
    for start in range(0, x.shape[1], every):
        if start:
            state = detached(state)
        out, state = net(x[:, start:start + every], state)               # (B, ≤k, O)
        outs.append(out)
    return torch.cat(outs, dim=1), state


class RandomWindows:
    """Each step a fresh batch at random starts, read from h_0 = 0 (full BPTT over the window)."""

    def __init__(self, task: Task, batch: int, generator: torch.Generator):
        self.task, self.batch, self.generator = task, batch, generator

    def next(self, net, step: int) -> tuple[Batch, torch.Tensor]:
        """(the batch, the network's output on it (B, T, O)) of training step ``step`` + 1."""
        batch = self.task.sample(self.batch, self.generator)
        out, _ = training_forward(net, batch)          # an encoder–decoder reads the targets (teacher forcing)
        return batch, out


class CarriedState:
    """Consecutive windows of a streaming task; h carries across them and is detached every k steps.

    ``state`` is the state the next window starts from: the last state of the previous one
    (detached), or None (zeros) at the start of each pass over the text, after a resume, and
    after a state that was not finite. Which window a step reads follows from the step count,
    so a resumed run reads on where it stopped.
    """

    def __init__(self, task: Task, batch: int, every: int):
        self.stream = task.windows(batch)
        self.every = every
        self.state = None

    def next(self, net, step: int) -> tuple[Batch, torch.Tensor]:
        """(window ``step`` of the stream, the network's output on it) from the carried state."""
        index = step % self.stream.count
        if index == 0:
            self.state = None
        batch = self.stream.window(index)
        out, final = forward_truncated(net, batch.x, self.state, self.every)
        final = detached(final)
        finite = all(torch.isfinite(s).all() for s in (final if isinstance(final, tuple) else (final,)))
        self.state = final if finite else None
        return batch, out


def make_feed(config, task: Task, generator: torch.Generator):
    """The run's feed: ``CarriedState`` when ``truncation`` says so, else ``RandomWindows``."""
    every = truncation(config, task)
    return CarriedState(task, config.batch, every) if every else RandomWindows(task, config.batch, generator)
