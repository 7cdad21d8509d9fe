"""`python -m playground bench`: the trainer's speed as a ratio to a bare PyTorch loop.

Both loops train the same fused torch.nn module (a scan cell's own module, for a row without
one) at the same sizes on batches from the same task sampler; they run alternately, one step each in turn, so machine noise hits
both alike. The probe (glass-box replay plus
backward, Jacobian included) is timed on its own: in full, and as the live pages run it
(without the per-parameter gradient norms). For every scan cell, a training step by its
parallel scan is timed against the same step by a sequential loop of its step function at
long T. Numbers are printed, never asserted.

It sits above the training backends, as the CLI does: its last figure times a live run in the
embedded worker pool.
"""
from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from models.architectures import ARCH_NAMES, ARCHITECTURES, architecture
from playground.backends.pool import ProcessPool
from playground.backends.run_handle import RunHandle
from playground.config import MAX_SEQ_LEN, RunConfig
from playground.engine.probe import probe
from playground.engine.trainer import Trainer
from playground.tasks import make_task

SIZES = {"small": dict(hidden=32, seq_len=20), "medium": dict(hidden=64, seq_len=50)}
WARMUP_STEPS = 3      # untimed steps of each loop first (allocator, first-call costs)
MIN_STEPS = 20        # timed steps of each loop at least


def bare_step(config: RunConfig, task):
    """One step of the textbook loop, as a function: sample, forward, loss, backward, Adam step."""
    rnn = architecture(config.arch).build_layers(task.input_size, config.hidden, 1, config.activation)
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

    return step


def alternating_steps_per_second(steps: dict, seconds: float, min_steps: int = MIN_STEPS,
                                 warmup: int = WARMUP_STEPS) -> dict[str, float]:
    """Steps/s of each named step function, timed one step of each in turn for ``seconds``.

    Alternating step by step exposes every loop to the same machine at the same moments, so
    a busy neighbour slows them alike. Steps/s is the count over the summed time of each
    loop's own steps (the trainer's periodic validation included).
    """
    for step in steps.values():
        for _ in range(warmup):
            step()
    spent = dict.fromkeys(steps, 0.0)
    count, start = 0, time.perf_counter()
    while count < min_steps or time.perf_counter() - start < seconds:
        for name, step in steps.items():
            t0 = time.perf_counter()
            step()
            spent[name] += time.perf_counter() - t0
        count += 1
    return {name: count / total for name, total in spent.items()}


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


def run_bench(seconds: float = 6.0) -> int:
    """Print the table; returns 0."""
    torch.set_num_threads(1)
    print(f"{'arch':7s} {'size':7s} {'H':>4s} {'T':>4s} {'bare steps/s':>13s} "
          f"{'trainer steps/s':>16s} {'ratio':>6s} {'probe ms':>9s} {'live probe ms':>14s}")
    for arch in ARCH_NAMES:
        for size, dims in SIZES.items():
            config = RunConfig(arch=arch, task="adding", batch=32, **dims)
            task = make_task(config)
            rates = alternating_steps_per_second({"bare": bare_step(config, task),
                                                  "trainer": Trainer(config, task).step}, seconds)
            b, o = rates["bare"], rates["trainer"]
            ms = probe_ms(arch, batch=16, seq_len=dims["seq_len"], hidden=dims["hidden"])
            live = probe_ms(arch, batch=16, seq_len=dims["seq_len"], hidden=dims["hidden"], parameters=False)
            print(f"{arch:7s} {size:7s} {dims['hidden']:4d} {dims['seq_len']:4d} {b:13.1f} "
                  f"{o:16.1f} {o / b:6.2f} {ms:9.1f} {live:14.1f}")
    scan_table(seconds)
    bare, engine = engine_steps_per_second(ENGINE_CONFIG, seconds)
    print(f"\nlive run in a worker process (lstm, H=64, T=50; probes and publishing included): "
          f"{engine:.1f} steps/s against the bare loop's {bare:.1f} in the same windows: ratio {engine / bare:.2f}")
    return 0


SCAN_LENGTHS = (256, MAX_SEQ_LEN)     # T of the scan-against-loop rows: 256 and the longest a run may be
SCAN_SIZE = dict(hidden=64, batch=32)
SCAN_MIN_STEPS = 3             # a sequential step at T = 400 takes most of a second: fewer steps at least


def scan_step(config: RunConfig, task, sequential: bool):
    """One training step of a scan cell's layer and a head: by its parallel scan, or by a plain
    loop of its step function over t (the input projection computed once, as the replay does)."""
    row = architecture(config.arch)
    cell = row.cell(task.input_size, config.hidden)
    head = nn.Linear(config.hidden, task.output_size)
    opt = torch.optim.Adam(list(cell.parameters()) + list(head.parameters()), lr=config.lr)
    gen = torch.Generator().manual_seed(1)

    def forward(x):
        if not sequential:
            return cell.scan(x)[0]
        weights = cell.weights()
        proj, state, hs = cell.project(x, *weights), row.zero_state(x.new_zeros(x.shape[0], config.hidden)), []
        for t in range(x.shape[1]):
            state, gates = row.step(None, state, *weights, x_proj=proj[:, t])
            hs.append(gates["h"])
        return torch.stack(hs, dim=1)

    def step():
        batch = task.sample(config.batch, gen)
        opt.zero_grad(set_to_none=True)
        loss = task.loss(head(forward(batch.x)), batch)
        loss.item()
        loss.backward()
        opt.step()

    return step


def scan_table(seconds: float) -> None:
    """Print, for every scan cell, training steps/s by scan and by the sequential loop at each long T."""
    print(f"\n{'scan cell':9s} {'H':>4s} {'T':>5s} {'loop steps/s':>13s} {'scan steps/s':>13s} {'speed-up':>9s}")
    for arch in (name for name, row in ARCHITECTURES.items() if row.fused is None):
        for T in SCAN_LENGTHS:
            config = RunConfig(arch=arch, task="adding", seq_len=T, **SCAN_SIZE)
            task = Trainer(config).task
            rates = alternating_steps_per_second({"loop": scan_step(config, task, sequential=True),
                                                  "scan": scan_step(config, task, sequential=False)},
                                                 seconds, min_steps=SCAN_MIN_STEPS, warmup=1)
            print(f"{arch:9s} {config.hidden:4d} {T:5d} {rates['loop']:13.2f} {rates['scan']:13.2f} "
                  f"{rates['scan'] / rates['loop']:8.2f}×")


ENGINE_CONFIG = RunConfig(arch="lstm", task="adding", seq_len=50, hidden=64, batch=32)


def engine_steps_per_second(config: RunConfig, seconds: float, rounds: int = 3) -> tuple[float, float]:
    """(bare loop steps/s, live run steps/s) of ``config``, alternating windows of ``seconds``.

    The live run trains in the embedded worker pool exactly as the app's runs do (its probes
    and publications included), while this process only waits; then the run pauses and the
    bare loop runs here on the same core budget. Windows are at least a second: the run's
    step count is read from what it published, ten times a second.
    """
    seconds = max(seconds, 1.0)

    task = make_task(config)
    step = bare_step(config, task)
    pool = ProcessPool(workers=1)
    try:
        run = RunHandle(pool, config, task)
        run.wait_ready()
        bare_steps = engine_steps = bare_time = engine_time = 0.0
        for _ in range(rounds):
            start = time.perf_counter()
            while time.perf_counter() - start < seconds:
                step()
                bare_steps += 1
            bare_time += time.perf_counter() - start
            run.set_running(True)
            pool.wait_published(run.run_id, run.view.version, 30.0)
            first, start = run.step_count, time.perf_counter()
            time.sleep(seconds)                      # the worker trains meanwhile
            engine_steps += run.step_count - first
            engine_time += time.perf_counter() - start
            run.set_running(False)
        return bare_steps / bare_time, engine_steps / engine_time
    finally:
        pool.shutdown()
