"""What a training step of a run is expected to cost, and the per-run limits of this server.

The estimate is deliberately simple and on the safe side, calibrated on the 2-core
development machine (one torch thread per run):

    time_ms   ≈ 0.5 + 0.05·T·L + 6·B·T·L·G·H·(H + I) / rate[arch]  (+ the head: 6·B·T·H·O / 80 GFLOP/s)
    memory_MB ≈ RUN_OVERHEAD_MB + activations kept for backward 2·4·B·T·L·H·(G + 2) bytes, the
                validation and probe batches, the output logits 3·4·B·T·O bytes, and 6 copies of
                the weights (weights, grads, Adam's two moments, the roll-back backup, the
                published copy)

times the network shape's ``cost_factor`` (``models.networks``: a bidirectional stack, an
encoder–decoder), where G is the number of gate blocks (1 RNN, 3 GRU, 4 LSTM; a scan cell's input blocks) and the
rates are the FLOP/s measured for each fused kernel or scan cell at large sizes (the vanilla and GRU kernels are far slower
per FLOP than the LSTM's there). A run whose estimate is over a limit is refused before
anything is built, with a note naming the setting to lower.

``RUN_OVERHEAD_MB`` is what any run costs whatever its size: its trainer's interpreter objects,
its bounded history (2,048 rows) and probe records kept in the worker and again in the server's
view, the pipe's buffers, and a page redrawing it. Without it a tiny run would cost next to
nothing and a server's memory budget would admit runs without bound; with it a server of
``playground.backends.pool.MEMORY_BUDGET_MB`` holds at most a few hundred runs.
"""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from models.architectures import architecture
from models.lru_cell import LRUCell
from models.mingru_cell import MinGRUCell
from models.minlstm_cell import MinLSTMCell
from models.s6_cell import S6Cell
from models.network import embedding_width
from models.networks import network_shape
from playground.config import RunConfig
from playground.errors import AdmissionError

# What trains each row (``Architecture.kernel``): the fused kernels measured at H=256, T=200, B=64; the scan
# cells at the same size against the LSTM in the same run (minGRU 0.6×, minLSTM 0.8×, the complex LRU 0.2×,
# S6 with its (H, N) state 0.05× the LSTM's rate, rounded down), counted with the same formula although
# their G blocks read x alone.
FLOPS_PER_S = {nn.RNN: 7e9, nn.GRU: 20e9, nn.LSTM: 80e9, MinGRUCell: 40e9, MinLSTMCell: 50e9, LRUCell: 12e9,
               S6Cell: 3e9}
HEAD_FLOPS_PER_S = 80e9
VAL_BATCH, PROBE_BATCH = 128, 16
MAX_STEP_MS = 400.0        # a step longer than this would starve the runs sharing its worker
MAX_MEMORY_MB = 600.0      # per run; the pool's total budget is checked on top of this
RUN_OVERHEAD_MB = 16.0     # every run, however small (see the module docstring)
SIZE_FIELDS = ("batch", "seq_len", "hidden", "layers")   # the settings a refusal may name


@dataclass(frozen=True)
class Cost:
    """Estimated cost of one training step: milliseconds and resident megabytes."""

    step_ms: float
    memory_mb: float


def estimate(config: RunConfig, input_size: int, output_size: int) -> Cost:
    """The estimate above for ``config`` with the task's per-step input and output widths."""
    B, T, L, H = config.batch, config.seq_len, config.layers, config.hidden
    row = architecture(config.arch)
    G = row.gate_blocks
    I = max(input_size, H) if L > 1 else input_size
    flops = 6.0 * B * T * L * G * H * (H + I)
    head = 6.0 * B * T * H * output_size
    factor = network_shape(config.network).cost_factor
    step_ms = factor * (0.5 + 0.05 * T * L + 1e3 * (flops / FLOPS_PER_S[row.kernel] + head / HEAD_FLOPS_PER_S))
    params = L * G * H * (H + I + 2) + H * output_size + output_size
    activations = factor * 2 * 4 * (B + VAL_BATCH + 2 * PROBE_BATCH) * T * L * H * (G + 2)
    outputs = 3 * 4 * (B + VAL_BATCH) * T * output_size
    memory_mb = RUN_OVERHEAD_MB + (activations + outputs + 6 * 4 * params) / 2**20
    return Cost(step_ms, memory_mb)


def task_widths(task) -> tuple[int, int]:
    """(input width per step, output width per step) of a task; token ids are read through an embedding."""
    width = embedding_width(task.vocab_size) if task.vocab_size else task.input_size
    return width, task.output_size


def check_cost(config: RunConfig, task) -> Cost:
    """The run's cost, or AdmissionError naming the limit and the setting to lower."""
    cost = estimate(config, *task_widths(task))
    if cost.step_ms > MAX_STEP_MS:
        what = f"about {cost.step_ms / 1000:.1f} s per training step (this server's limit is {MAX_STEP_MS / 1000:.1f} s)"
    elif cost.memory_mb > MAX_MEMORY_MB:
        what = f"about {cost.memory_mb:,.0f} MB of memory (this server's limit is {MAX_MEMORY_MB:,.0f} MB per run)"
    else:
        return cost
    raise AdmissionError(f"This run is too big for this server: it needs {what}. Lower {biggest_setting(config)}.")


def biggest_setting(config: RunConfig) -> str:
    """The size setting furthest above its default, as 'name (value)': the first one to lower."""
    default = RunConfig()
    name = max(SIZE_FIELDS, key=lambda k: getattr(config, k) / getattr(default, k))
    return f"{name} (now {getattr(config, name)})"
