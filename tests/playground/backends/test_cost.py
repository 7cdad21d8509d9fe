"""The cost model charges every run a fixed overhead, so a server's budget admits a bounded number of runs."""
from __future__ import annotations

from playground.backends.cost import RUN_OVERHEAD_MB, estimate, task_widths
from playground.backends.pool import MEMORY_BUDGET_MB
from playground.config import RunConfig
from playground.tasks import make_task

TINY = RunConfig(arch="rnn", task="adding", seq_len=2, hidden=1, batch=1)


def test_even_the_tiniest_run_costs_the_fixed_overhead():
    cost = estimate(TINY, *task_widths(make_task(TINY)))
    assert cost.memory_mb >= RUN_OVERHEAD_MB > 0


def test_a_server_budget_holds_a_bounded_number_of_tiny_runs():
    cost = estimate(TINY, *task_widths(make_task(TINY)))
    assert MEMORY_BUDGET_MB / cost.memory_mb <= 300
