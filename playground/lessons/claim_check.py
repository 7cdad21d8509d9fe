"""Train what the claims are about, headless, and check them (``playground.lessons.claims``).

Claims about the same run (same settings and seed) share one training run: ``plan`` groups
them, ``measure`` trains each group's run once with the engine's Trainer, measuring only what
its claims need at the steps they need it, and ``verdicts`` reads the claims against the
measurements. ``measure`` takes a plain tuple, so groups can train in separate processes.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from playground.config import RunConfig
from playground.lessons.claims import Claim


@dataclass(frozen=True)
class Probe:
    """One thing to measure: a metric, under a clamp of gates (empty: none)."""

    metric: str
    clamp: tuple[tuple[str, float], ...] = ()


@dataclass
class Measured:
    """What one run gave: per probe, the value at each step measured; its baseline; its divergence."""

    series: dict[Probe, dict[int, float]] = field(default_factory=dict)
    baseline: float = math.nan
    diverged_at: int | None = None


def plan(claims: list[Claim]) -> dict[RunConfig, dict[Probe, set[int]]]:
    """Per run (config with the seed set): each probe and the steps it is needed at."""
    runs: dict[RunConfig, dict[Probe, set[int]]] = defaultdict(lambda: defaultdict(set))
    for claim in claims:
        for seed in claim.seeds:
            config = claim.config.replace(seed=seed)
            probes = runs[config]
            steps = claim.expect.check_steps() or [claim.expect.step]
            metric = claim.expect.metric if claim.expect.metric != "diverged" else "val"
            probes[Probe(metric, claim.clamp)].update(steps)
    return {config: dict(probes) for config, probes in runs.items()}


def _value(trainer, probe: Probe) -> float:
    import torch

    from models.network import Intervention
    from playground.engine.probe import probe as probe_run

    if probe.metric in ("radius", "modulus"):
        values = trainer.net.eigenvalues(trainer.net.layers - 1)
        if values is None:
            return math.nan                 # a recurrence with no fixed matrix: the claim fails, saying NaN
        modulus = values.abs()
        return float(modulus.max() if probe.metric == "radius" else modulus.mean())
    if probe.metric == "grad_reach":
        snap = probe_run(trainer.net, trainer.task, trainer.probe_batch, jacobian=False, parameters=False,
                         intervention=Intervention(clamp=dict(probe.clamp)) if probe.clamp else None)
        norms = snap.grad_norm[-1]
        return float(norms[0] / norms[-1]) if norms[-1] > 0 else math.nan
    if not probe.clamp:
        return trainer.validate()
    with torch.no_grad():
        out = trainer.net.replay(trainer.val_batch.x, Intervention(clamp=dict(probe.clamp))).out
    return float(trainer.task.metric(out, trainer.val_batch))


def measure(job: tuple[RunConfig, dict[Probe, set[int]]]) -> Measured:
    """Train one run to the last step any probe needs, measuring each probe at its steps."""
    import torch

    from playground.engine.trainer import Trainer
    from playground.errors import DivergenceError

    config, probes = job
    torch.set_num_threads(1)
    trainer = Trainer(config, val_every=10 ** 9)
    result = Measured(series={p: {} for p in probes}, baseline=trainer.task.baseline())
    wanted: dict[int, list[Probe]] = defaultdict(list)
    for probe, steps in probes.items():
        for step in steps:
            wanted[step].append(probe)
    for step in range(1, max(wanted) + 1):
        try:
            trainer.step()
        except DivergenceError:
            result.diverged_at = step
            break
        for probe in wanted.get(step, ()):
            result.series[probe][step] = _value(trainer, probe)
    return result


@dataclass(frozen=True)
class Verdict:
    """One claim for one seed: whether it held, and the numbers that decided it."""

    claim: Claim
    seed: int
    held: bool
    detail: str


def verdicts(claims: list[Claim], measured: dict[RunConfig, Measured]) -> list[Verdict]:
    """Each claim against its runs' measurements, one verdict per seed."""
    out = []
    for claim in claims:
        expect = claim.expect
        metric = expect.metric if expect.metric != "diverged" else "val"
        for seed in claim.seeds:
            run = measured[claim.config.replace(seed=seed)]
            series = run.series.get(Probe(metric, claim.clamp), {})
            held = expect.holds(series, run.baseline, run.diverged_at)
            shown = ", ".join(f"{s}: {v:.4g}" for s, v in sorted(series.items())[-6:])
            detail = (f"seed {seed}: baseline {run.baseline:.4g}, diverged at {run.diverged_at}, "
                      f"last values {{{shown}}}")
            out.append(Verdict(claim, seed, held, detail))
    return out


def check_all(claims: list[Claim], workers: int = 1) -> list[Verdict]:
    """Train every run the claims need (in ``workers`` processes) and check every claim."""
    jobs = list(plan(claims).items())
    jobs.sort(key=lambda job: -max(max(steps) for steps in job[1].values()))     # longest first
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(measure, jobs))
    else:
        results = [measure(job) for job in jobs]
    return verdicts(claims, {config: result for (config, _), result in zip(jobs, results)})
