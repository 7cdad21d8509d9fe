"""Sweeps on a real local Ray (started and stopped here): same metrics as the CLI, and Cancel stops trials."""
import json
import time

import pytest

from playground import cli
from playground.ray_cluster import connect, disconnect
from playground.sweep import spec_from_strings
from playground.sweep_runner import start_sweep

pytestmark = pytest.mark.slow
WAIT_S = 240


@pytest.fixture(scope="module")
def ray():
    module = connect()            # a local Ray on this machine's usable CPUs
    yield module
    disconnect()


def wait_until(condition, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_a_sweep_of_twelve_trials_matches_the_cli_run_one_by_one(ray, capsys):
    grid = {"arch": "rnn,gru,lstm", "task": "adding", "seq_len": "5,8", "hidden": "6", "seed": "0,1"}
    spec = spec_from_strings(grid, steps=40, val_every=20)
    run = start_sweep(spec)
    assert run.join(WAIT_S)
    progress = run.progress()
    assert (progress.total, progress.done, progress.failed, progress.cancelled) == (12, 12, 0, 0)
    assert progress.finished and progress.eta_seconds is None and progress.running == progress.queued == 0
    capsys.readouterr()
    for result in sorted(progress.results, key=lambda r: r.index):
        c = result.config
        assert cli.main(["train", "--arch", c["arch"], "--task", "adding", "--seq-len", str(c["seq_len"]),
                         "--hidden", "6", "--seed", str(c["seed"]), "--steps", "40", "--quiet"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert result.metric == printed["val_metric"], c
        assert result.steps == printed["steps"] == 40


def test_cancel_stops_the_running_and_queued_trials(ray):
    spec = spec_from_strings({"arch": "lstm", "task": "adding", "seq_len": "100", "seed": ",".join(map(str, range(12)))},
                             steps=100_000)
    run = start_sweep(spec)
    wait_until(lambda: run.progress().running > 0)
    run.cancel()
    assert run.join(WAIT_S)
    progress = run.progress()
    assert progress.finished and progress.cancelled >= 11 and progress.done + progress.cancelled == 12
    assert progress.note == "Cancelled."
    cpus = ray.cluster_resources()["CPU"]
    wait_until(lambda: ray.available_resources().get("CPU", 0) == cpus)    # the running trials gave their CPUs back
