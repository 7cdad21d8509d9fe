"""Side-by-side runs: one config per architecture, and ticks that keep their step counts equal."""
import math

import pytest

from models.architectures import ARCH_NAMES, ARCHITECTURES
from playground.errors import ConfigError
from playground.lessons.comparison import compare_configs, steps_that_fit, tick_together
from playground.config import RunConfig
from playground.figures.compare import compare_summary, make_compare_loss_figure
from playground.engine.run_summary import summarize
from playground.engine.live import LiveRun


def small_runs():
    config = RunConfig(task="adding", seq_len=8, hidden=4, batch=4, seed=3)
    return {arch: LiveRun(c) for arch, c in compare_configs(config).items()}


def test_configs_differ_only_in_arch():
    configs = compare_configs(RunConfig(task="copy", seq_len=20, lag=5, seed=9))
    assert list(configs) == ["rnn", "gru", "lstm"]
    for arch, config in configs.items():
        assert config.arch == arch and config.replace(arch="lstm") == RunConfig(task="copy", seq_len=20, lag=5, seed=9)


def test_ticks_give_every_run_the_same_steps_and_skip_a_diverged_one():
    runs = small_runs()
    assert tick_together(runs, budget_s=0.0) == 1
    assert tick_together(runs, budget_s=0.05) == runs["rnn"].step_count
    assert len({r.step_count for r in runs.values()}) == 1
    runs["gru"].error = "diverged"
    before = runs["gru"].step_count
    reached = tick_together(runs, budget_s=0.0)
    assert runs["gru"].step_count == before and runs["rnn"].step_count == runs["lstm"].step_count == reached


def test_steps_that_fit_uses_the_slowest_sum():
    runs = small_runs()
    for run, sps in zip(runs.values(), (100.0, 50.0, 100.0)):
        run.steps_per_second = sps
    assert steps_that_fit(runs, 1.0) == math.floor(1.0 / (0.01 + 0.02 + 0.01))


def test_compare_figure_has_one_loss_line_per_arch_and_a_baseline():
    runs = small_runs()
    tick_together(runs, 0.0)
    histories = {a: r.history_frame() for a, r in runs.items()}
    fig = make_compare_loss_figure(histories, "MSE", 1 / 6)
    names = [tr.name for tr in fig.data]
    assert {"vanilla RNN loss", "GRU loss", "LSTM loss"} <= set(names)
    assert fig.layout.shapes and "baseline" not in names
    summaries = {a: summarize(h, "MSE", 1 / 6, False) for a, h in histories.items()}
    assert "LSTM: 1 steps" in compare_summary(summaries)


MAX_COMPARED = 3


def test_any_architectures_of_the_table_up_to_the_cap_can_be_compared():
    config = RunConfig(task="adding", seq_len=8, hidden=4, batch=4, seed=3)
    scan = [name for name, row in ARCHITECTURES.items() if row.fused is None][:MAX_COMPARED]
    assert list(compare_configs(config, reversed(scan), MAX_COMPARED)) == scan          # in the table's order
    for bad in ([], list(ARCH_NAMES)[:MAX_COMPARED + 1], ["transformer"]):
        with pytest.raises(ConfigError, match=f"compare 1 to {MAX_COMPARED} architectures"):
            compare_configs(config, bad, MAX_COMPARED)
