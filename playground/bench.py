"""`python -m playground bench`: the trainer's speed as a ratio to a bare PyTorch loop.

Both loops train the same fused torch.nn module at the same sizes on batches from the
same task sampler; they run interleaved in several rounds and the median steps/s of
each is compared, so machine noise hits both alike. The probe (glass-box replay plus
backward, Jacobian included) is timed on its own: in full, and as the live pages run it
(without the per-parameter gradient norms). Numbers are printed, never asserted.
"""
from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from playground.config import RunConfig
from playground.probe import probe
from playground.trainer import Trainer

SIZES = {"small": dict(hidden=32, seq_len=20), "medium": dict(hidden=64, seq_len=50)}
ROUNDS = 5
WARMUP_STEPS = 3      # untimed steps before each timed loop (allocator, first-call costs)


def bare_loop(config: RunConfig, task, seconds: float) -> float:
    """Steps/s of the textbook loop: sample, forward, loss, backward, Adam step."""
    fused = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[config.arch]
    rnn = fused(task.input_size, config.hidden, batch_first=True)
    head = nn.Linear(config.hidden, task.output_size)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=config.lr)
    gen = torch.Generator().manual_seed(1)

    def step():
        batch = task.sample(config.batch, gen)
        opt.zero_grad(set_to_none=True)
        hs, _ = rnn(batch.x)
        loss = task.loss(head(hs), batch)
        loss.item()
        loss.backward()
        opt.step()

    return steps_per_second(step, seconds)


def steps_per_second(step, seconds: float) -> float:
    """Calls of ``step()`` per second over about ``seconds``, after a few untimed warm-up calls."""
    for _ in range(WARMUP_STEPS):
        step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        step()
        steps += 1
    return steps / (time.perf_counter() - start)


def trainer_loop(config: RunConfig, seconds: float) -> float:
    """Steps/s of Trainer.step() (history, divergence checks and validation included)."""
    return steps_per_second(Trainer(config).step, seconds)


def probe_ms(arch: str, batch: int = 16, seq_len: int = 50, hidden: int = 64, repeats: int = 20,
             **options) -> float:
    """Median milliseconds of one probe of a network of the given size on the adding task.

    ``options`` go to probe(): the live pages probe with parameters=False.
    """
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=seq_len, hidden=hidden, batch=batch))
    b = trainer.task.sample(batch, torch.Generator().manual_seed(0), "val")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        probe(trainer.net, trainer.task, b, **options)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run_bench(seconds: float = 3.0) -> int:
    """Print the table; returns 0."""
    torch.set_num_threads(1)
    print(f"{'arch':5s} {'size':7s} {'H':>4s} {'T':>4s} {'bare steps/s':>13s} "
          f"{'trainer steps/s':>16s} {'ratio':>6s} {'probe ms':>9s} {'live probe ms':>14s}")
    for arch in ("rnn", "gru", "lstm"):
        for size, dims in SIZES.items():
            config = RunConfig(arch=arch, task="adding", batch=32, **dims)
            task = Trainer(config).task
            bare, ours = [], []
            for _ in range(ROUNDS):
                bare.append(bare_loop(config, task, seconds / ROUNDS))
                ours.append(trainer_loop(config, seconds / ROUNDS))
            b, o = statistics.median(bare), statistics.median(ours)
            ms = probe_ms(arch, batch=16, seq_len=dims["seq_len"], hidden=dims["hidden"])
            live = probe_ms(arch, batch=16, seq_len=dims["seq_len"], hidden=dims["hidden"], parameters=False)
            print(f"{arch:5s} {size:7s} {dims['hidden']:4d} {dims['seq_len']:4d} {b:13.1f} "
                  f"{o:16.1f} {o / b:6.2f} {ms:9.1f} {live:14.1f}")
    return 0
