"""Sweep grids, trial scoring and the memory curve, without Ray: the parts every runner shares."""
import json

import pandas as pd
import pytest

from models.architectures import ARCHITECTURES
from playground import cli
from playground.config import RunConfig, from_query
from playground.errors import ConfigError
from playground.figures.sweep import make_memory_figure
from playground.sweeps.grid import (MAX_FIELD_CHARS, MAX_TRIAL_STEPS, MAX_TRIALS, TrialResult, reaches, run_trial,
                                    solved_threshold, spec_from_strings, train_url)
from playground.sweeps.results import memory_curve, results_frame, shown_table, url_query
from playground.tasks import make_task


def test_grid_lists_every_combination_in_field_order():
    spec = spec_from_strings({"seed": "0,1", "arch": "rnn,lstm", "seq_len": "10", "hidden": "8,8"}, steps=20)
    trials = spec.trials()
    assert spec.size() == len(trials) == 4
    assert [(c.arch, c.seed) for c in trials] == [("rnn", 0), ("rnn", 1), ("lstm", 0), ("lstm", 1)]
    assert {c.seq_len for c in trials} == {10} and {c.hidden for c in trials} == {8}   # repeats dropped
    assert spec.varied() == ["arch", "seed"]


@pytest.mark.parametrize("values, message", [
    ({"seq_len": "10,0"}, "seq_len must be between"),
    ({"arch": "rnn,cnn"}, "arch must be one of"),
    ({"lr": "0.1,nan"}, "finite"),
    ({"task": "custom"}, "uploaded data"),
    ({"seed": ","}, "at least one value"),
    ({"colour": "red"}, "unknown setting"),
    ({"hidden": ",".join(map(str, range(1, 31))), "seed": ",".join(map(str, range(21)))}, f"limit is {MAX_TRIALS:,}"),
    ({"seed": "0," * 150}, f"seed is 300 characters long; the limit is {MAX_FIELD_CHARS}"),
    ({"seed": ["0"] * 300}, f"seed has 300 values; the limit is {MAX_FIELD_CHARS}"),
    # the trials are counted from the items before any is parsed: bad values never reach the parser
    ({"hidden": "x," * 99, "seed": "y," * 99}, f"9,801 trials; the limit is {MAX_TRIALS:,}"),
    ({"seed": "0,1,2,3,4,5,6,7,8,9", "hidden": "4,5,6,7,8,9,10,11,12,13,14"}, f"limit is {MAX_TRIAL_STEPS:,}"),
    # a network without a recurrent cell reads no cell setting: those trials would be one run, trained again
    ({"network": "self-attention", "task": "copy", "arch": "rnn,gru,lstm"}, "does not read arch"),
    ({"network": "one-way,self-attention", "task": "copy", "layers": "1,2"}, "does not read layers"),
])
def test_bad_grids_are_refused_with_one_line(values, message):
    with pytest.raises(ConfigError, match=message) as caught:
        spec_from_strings(values, steps=2000)
    assert "\n" not in str(caught.value)


def test_solved_threshold_closes_ninety_percent_of_the_gap_to_perfect():
    adding = make_task(RunConfig(task="adding", seq_len=10))
    assert solved_threshold(adding) == pytest.approx(0.1 * adding.baseline())
    parity = make_task(RunConfig(task="parity", seq_len=8))
    assert parity.higher_is_better
    assert solved_threshold(parity) == pytest.approx(parity.baseline() + 0.9 * (1 - parity.baseline()))
    assert reaches(0.01, 0.0167, False) and not reaches(0.02, 0.0167, False)
    assert reaches(0.96, 0.95, True) and not reaches(None, 0.95, True) and not reaches(float("nan"), 1.0, False)


def test_a_trial_reaches_the_metric_the_cli_prints(capsys):
    config = RunConfig(arch="gru", task="adding", seq_len=6, hidden=8, seed=3)
    result = run_trial(config, steps=60, val_every=20)
    assert cli.main(["train", "--arch", "gru", "--task", "adding", "--seq-len", "6", "--hidden", "8", "--seed", "3",
                     "--steps", "60", "--quiet"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert result.metric == printed["val_metric"] and result.baseline == printed["baseline"]
    assert result.steps == 60 and not result.diverged and result.error is None


def test_an_easy_threshold_is_reached_at_the_first_check_and_a_diverging_trial_says_so():
    config = RunConfig(arch="rnn", task="adding", seq_len=5, hidden=8)
    easy = run_trial(config, steps=30, val_every=10, threshold=10.0)
    assert easy.solved and easy.steps_to_threshold == 10 and easy.seconds_to_threshold <= easy.seconds
    wild = run_trial(config.replace(lr=10.0, optimizer="sgd"), steps=200, val_every=10)
    assert wild.diverged and wild.steps < 200 and not wild.solved


def _result(index, arch, seq_len, metric, solved, error=None):
    config = RunConfig(arch=arch, seq_len=seq_len, seed=index).to_dict()
    return TrialResult(index, config, metric=metric, baseline=0.167, metric_name="MSE", solved=solved, error=error)


def test_memory_curve_gives_solved_fraction_and_median_band_per_arch_and_T():
    results = [_result(0, "rnn", 10, 0.01, True), _result(1, "rnn", 10, 0.05, False), _result(2, "rnn", 10, 0.03, False),
               _result(3, "lstm", 10, 0.001, True), _result(4, "lstm", 50, 0.2, False),
               _result(5, "lstm", 50, None, False, error="lost")]
    frame = results_frame(results)
    assert list(frame["trial"]) == list(range(6))
    assert frame.loc[0, "url"] == train_url(RunConfig(arch="rnn", seq_len=10))
    curve = memory_curve(frame).set_index(["arch", "x"])
    assert curve.loc[("rnn", 10), "solved_fraction"] == pytest.approx(1 / 3)
    assert tuple(curve.loc[("rnn", 10), ["median", "low", "high"]]) == (0.03, 0.01, 0.05)
    assert curve.loc[("lstm", 50), "trials"] == 1                     # the failed trial is left out
    figure = make_memory_figure(memory_curve(frame), baseline=0.167)
    assert {t.name for t in figure.data if t.showlegend is not False} == {"vanilla RNN", "LSTM"}
    assert memory_curve(pd.DataFrame(columns=frame.columns)).empty


def test_the_shown_table_leaves_missing_cells_blank_and_a_trial_link_carries_its_config():
    results = [_result(0, "rnn", 10, 0.01, True), _result(1, "lstm", 50, None, False, error="lost")]
    frame = results_frame(results)
    table, as_text = shown_table(frame, ["trial", "arch", "metric", "steps_to_threshold", "error"])
    assert as_text == {"metric", "steps_to_threshold", "error"}
    assert list(table["error"]) == ["", "lost"] and list(table["metric"]) == ["0.01", ""]
    assert "None" not in table.to_string() and "nan" not in table.to_string().lower()
    assert list(table["trial"]) == [0, 1]                          # a complete column keeps its numbers
    assert from_query(url_query(frame.loc[1, "url"]))[0] == RunConfig(**{
        k: v for k, v in results[1].config.items() if k in RunConfig.__dataclass_fields__})


def test_a_trial_url_reproduces_its_config():
    config = RunConfig(arch="rnn", task="copy", lag=7, seq_len=30, lr=0.003, seed=5)
    url = train_url(config)
    assert url.startswith("train?")
    query = dict(pair.split("=") for pair in url.split("?", 1)[1].split("&"))
    assert from_query(query) == (config, [])
    assert train_url(RunConfig()) == "train"


@pytest.mark.parametrize("argv, message", [
    (["--seq-len", "10,0"], "seq_len must be between 1 and 400"),
    (["--steps", "0"], "steps must be between 1 and"),
    (["--threshold", "inf"], "threshold must be a finite number"),
    (["--arch", "lstm", "--address", "127.0.0.1:1"], "cannot reach Ray at 127.0.0.1:1"),
    (["--address", "nowhere"], "Ray address must be host:port"),
])
def test_sweep_argument_errors_exit_2_with_one_line(argv, message, capsys):
    assert cli.main(["sweep", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1, err


def test_a_grid_over_the_scan_cells_trains_each_and_the_cli_takes_them(capsys):
    scan = [name for name, row in ARCHITECTURES.items() if row.fused is None]
    spec = spec_from_strings({"arch": ",".join(scan), "seq_len": "6", "hidden": "8"}, steps=10)
    results = [run_trial(config, steps=10, val_every=5, index=k) for k, config in enumerate(spec.trials())]
    assert [r.config["arch"] for r in results] == scan
    assert all(r.error is None and not r.diverged and r.steps == 10 and r.metric is not None for r in results)
    for arch in scan:
        assert cli.main(["train", "--arch", arch, "--task", "adding", "--seq-len", "6", "--hidden", "8",
                         "--steps", "5", "--quiet"]) == 0
        assert json.loads(capsys.readouterr().out)["arch"] == arch
