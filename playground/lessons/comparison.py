"""Architectures trained side by side on one task, seed and step budget (vanilla RNN, GRU and LSTM unless
the page picks others from the table, as many as a session may train at once).

Fair means equal *steps*, not equal time: the LSTM is slower per step than the RNN,
so a timed tick picks one step count that fits the slowest and gives it to every
run. ``tick_together`` keeps every healthy run on the same step count.
"""
from __future__ import annotations

import math

from models.architectures import ARCH_NAMES, CLASSIC_ARCHS
from playground.config import RunConfig
from playground.errors import ConfigError
from playground.engine.live import MAX_STEPS_PER_TICK, LiveRun


COMPARED = CLASSIC_ARCHS           # what the page compares until one picks: the classic cells


def check_compared(archs, most: int) -> tuple[str, ...]:
    """``archs`` as a tuple in the table's order; ConfigError unless 1 to ``most`` known names."""
    picked = set(archs)
    chosen = tuple(arch for arch in ARCH_NAMES if arch in picked)
    unknown = picked - set(ARCH_NAMES)
    if unknown or not 1 <= len(chosen) <= most:
        raise ConfigError(f"compare 1 to {most} architectures of {', '.join(ARCH_NAMES)}")
    return chosen


def compare_configs(config: RunConfig, archs=COMPARED, most: int = len(COMPARED)) -> dict[str, RunConfig]:
    """One config per architecture of ``archs`` (at most ``most``): ``config`` with only ``arch`` changed."""
    return {arch: config.replace(arch=arch) for arch in check_compared(archs, most)}


def steps_that_fit(runs: dict[str, LiveRun], budget_s: float, max_steps: int = MAX_STEPS_PER_TICK) -> int:
    """How many steps each run can take so that all of them fit in ``budget_s`` together."""
    per_step = 0.0
    for run in runs.values():
        if run.steps_per_second <= 0:
            return 1                                    # no timing yet: one step each
        per_step += 1.0 / run.steps_per_second
    return max(1, min(max_steps, int(budget_s / per_step)))


def level_cap(runs: dict, budget_s: float) -> int:
    """The step every healthy run may train up to next: the slowest's step plus what it does in ``budget_s``.

    Workers train the runs concurrently, each up to this cap, so they stay on the same step
    count however different their speeds.
    """
    healthy = {a: r for a, r in runs.items() if not r.error}
    if not healthy:
        return 0
    return min(r.step_count for r in healthy.values()) + steps_that_fit(healthy, budget_s)


def tick_together(runs: dict[str, LiveRun], budget_s: float = 0.3) -> int:
    """Advance every healthy run to the same step count, about ``budget_s`` seconds in all.

    Returns the step count they reached. A run that diverges stops (its error is kept)
    while the others go on.
    """
    healthy = {a: r for a, r in runs.items() if not r.error}
    if not healthy:
        return 0
    n = steps_that_fit(healthy, budget_s)
    target = max(r.step_count for r in healthy.values()) + n
    for run in healthy.values():
        todo = target - run.step_count
        if todo > 0:
            run.tick(budget_s=math.inf, max_steps=todo)      # exactly ``todo`` updates, then a probe
    return target

