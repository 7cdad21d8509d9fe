"""The cost model charges every run a fixed overhead, so a server's budget admits a bounded number of runs."""
from __future__ import annotations

import pytest

from models.architectures import ARCH_NAMES, architecture
from models.networks import NETWORKS
from playground.backends.cost import FLOPS_PER_S, RUN_OVERHEAD_MB, estimate, task_widths
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


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_every_row_of_the_table_has_a_rate_and_a_bigger_run_costs_more(arch):
    small, big = (RunConfig(arch=arch, task="adding", seq_len=T, hidden=H) for T, H in ((10, 8), (200, 128)))
    costs = [estimate(c, *task_widths(make_task(c))) for c in (small, big)]
    assert architecture(arch).kernel in FLOPS_PER_S
    assert costs[0].step_ms < costs[1].step_ms and costs[0].memory_mb < costs[1].memory_mb


def test_the_estimate_scales_with_the_network_shapes_cost_factor():
    base = RunConfig(arch="gru", task="reverse", seq_len=20, hidden=32)
    one_way = estimate(base, 10, 8)
    for row in NETWORKS.values():
        cost = estimate(base.replace(network=row.name), 10, 8)
        assert cost.step_ms == pytest.approx(row.cost_factor * one_way.step_ms)
        assert (cost.memory_mb > one_way.memory_mb) == (row.cost_factor > 1)
