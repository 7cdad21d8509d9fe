"""The CLI: tasks, a short train run with --out, and one-line errors with exit status 2."""
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch import nn

from models.architectures import ARCH_NAMES, ARCHITECTURES
from playground.cli import main
from playground import bench


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "playground", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_tasks_lists_every_task(capsys):
    from playground.tasks import TASKS

    assert main(["tasks"]) == 0
    out = capsys.readouterr().out
    for name in TASKS:
        assert name in out


@pytest.mark.parametrize("args, fragment", [
    (["train", "--task", "nope"], "unknown task"),
    (["train", "--arch", "transformer"], "arch must be one of"),
    (["train", "--seq-len", "0"], "seq_len must be between"),
    (["train", "--seq-len", "100000"], "seq_len must be between"),
    (["train", "--hidden", "100000"], "hidden must be between"),
    (["train", "--lr", "nan"], "lr must be a finite number"),
    (["train", "--lr", "inf"], "lr must be a finite number"),
    (["train", "--steps", "-3"], "--steps must be between"),
    (["train", "--bogus", "1"], "unrecognized arguments"),
    (["frobnicate"], "invalid choice"),
    (["train", "--data", "/nonexistent/series.csv"], "cannot read"),
    (["train", "--data", __file__], "CSV file cannot be parsed"),
])
def test_bad_input_exits_2_with_one_line(args, fragment):
    result = run_cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_train_writes_a_run_that_loads_into_plain_torch(tmp_path):
    out = tmp_path / "run"
    result = run_cli("train", "--arch", "lstm", "--task", "adding", "--seq-len", "12", "--hidden", "8",
                     "--steps", "5", "--seed", "1", "--out", str(out), "--quiet")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["task"] == "adding" and summary["steps"] == 5
    assert {"train_loss", "val_metric", "baseline", "seconds"} <= set(summary)
    config = json.loads((out / "config.json").read_text())
    assert config["hidden"] == 8 and config["steps"] == 5
    assert len((out / "history.csv").read_text().strip().splitlines()) == 6
    ckpt = torch.load(out / "weights.pt", weights_only=True)
    sd = ckpt["state_dict"]
    lstm, head = nn.LSTM(2, 8, batch_first=True), nn.Linear(8, 1)
    lstm.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    head.load_state_dict({k[5:]: v for k, v in sd.items() if k.startswith("head.")})
    probe = np.load(out / "probe.npz")
    x = torch.from_numpy(probe["inputs"])
    hs, _ = lstm(x)
    # the saved hidden states agree with an independent recomputation in plain torch.nn
    np.testing.assert_allclose(probe["hidden"], hs.detach().numpy().transpose(1, 0, 2), atol=1e-4)
    # and so does ||dL/dh_t||: recompute through a hand unroll of nn.LSTMCell with perturbations
    cell = nn.LSTMCell(2, 8)
    cell.load_state_dict({k[4:-3]: v for k, v in sd.items() if k.startswith("rnn.")})
    h = c = torch.zeros(x.shape[0], 8)
    eps = torch.zeros(x.shape[1], x.shape[0], 8, requires_grad=True)
    for t in range(x.shape[1]):
        h, c = cell(x[:, t], (h, c))
        h = h + eps[t]
    pred = head(h)
    loss = ((pred - torch.from_numpy(probe["targets"])) ** 2).mean()
    (g,) = torch.autograd.grad(loss, eps)
    np.testing.assert_allclose(probe["grad_norm"], g.flatten(1).norm(dim=1).numpy(), rtol=1e-4, atol=1e-8)
    assert {"gate_i", "gate_f", "gate_g", "gate_o"} <= set(probe.files)


SHORT_SCANS = (16, 32)       # the table's shape at lengths that take milliseconds, not the bench's long T


def test_bench_prints_a_ratio_and_probe_cost_for_every_arch_and_size(capsys, monkeypatch):
    monkeypatch.setattr(bench, "SCAN_LENGTHS", SHORT_SCANS)
    assert main(["bench", "--seconds", "0.05"]) == 0
    table, scans, engine = capsys.readouterr().out.split("\n\n")
    rows = [line.split() for line in table.splitlines()[1:]]
    assert [(r[0], r[1]) for r in rows] == [(a, s) for a in ARCH_NAMES for s in ("small", "medium")]
    scan_rows = [line.split() for line in scans.splitlines()[1:]]
    assert [(r[0], int(r[2])) for r in scan_rows] == [(a, T) for a, row in ARCHITECTURES.items() if row.fused is None
                                                      for T in SHORT_SCANS]
    for row in scan_rows:
        loop, scan, speed_up = float(row[3]), float(row[4]), float(row[5].rstrip("×"))
        half = 0.005                     # each printed number is rounded to two decimals
        assert loop > 0 and scan > 0
        assert (scan - half) / (loop + half) - half <= speed_up <= (scan + half) / (loop - half) + half
    assert engine.startswith("live run in a worker process") and float(engine.split()[-1]) > 0
    for row in rows:
        bare, ours, ratio, probe, live = map(float, row[4:9])
        assert bare > 0 and ours > 0 and ratio == pytest.approx(ours / bare, abs=0.006)
        assert probe > 0 and live > 0


TINY_TRAIN = ["train", "--arch", "rnn", "--task", "adding", "--seq-len", "5", "--hidden", "4", "--steps", "3", "--quiet"]


def test_train_out_refuses_a_non_empty_folder_without_force_and_replaces_it_whole_with_force(tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main([*TINY_TRAIN, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not empty; give --force" in err, err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]          # nothing written, nothing trained over it

    assert main([*TINY_TRAIN, "--out", str(out), "--force"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["config.json", "history.csv", "probe.npz", "weights.pt"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]          # no staging folder left beside it


def test_train_out_that_fails_while_writing_leaves_the_earlier_run_as_it_was(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    assert main([*TINY_TRAIN, "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("playground.io.run_files.save_checkpoint", full_disk)
    assert main([*TINY_TRAIN, "--seed", "7", "--out", str(out), "--force"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before   # old files only, none half-replaced
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_sweep_out_keeps_every_finished_trial_when_interrupted(tmp_path, monkeypatch, capsys):
    from playground.config import RunConfig
    from playground.sweeps.grid import Progress, TrialResult

    results = [TrialResult(i, RunConfig(seed=i).to_dict(), metric=0.1 * i, steps=5) for i in range(2)]

    class InterruptedSweep:
        """Two trials finish, then Ctrl-C arrives while the sweep waits for the third."""
        joins = 0

        def join(self, timeout=None):
            self.joins += 1
            if self.joins == 2:
                raise KeyboardInterrupt
            return False

        def progress(self):
            return Progress(total=3, done=2, results=list(results))

        def cancel(self):
            pass

    monkeypatch.setattr("playground.backends.ray_cluster.connect", lambda address=None: None)
    monkeypatch.setattr("playground.backends.ray_cluster.cluster_cpus", lambda: 1)
    monkeypatch.setattr("playground.sweeps.runner.start_sweep", lambda *args, **kwargs: InterruptedSweep())
    out = tmp_path / "sweep.csv"
    assert main(["sweep", "--seed", "0,1,2", "--steps", "5", "--out", str(out)]) == 130
    import pandas as pd

    table = pd.read_csv(out)
    assert list(table["trial"]) == [0, 1] and list(table["seed"]) == [0, 1]
    assert "interrupted" in capsys.readouterr().err
    assert main(["sweep", "--seed", "0,1,2", "--steps", "5"]) == 130          # without --out: the JSON lines only
    printed = capsys.readouterr()
    assert [json.loads(line)["seed"] for line in printed.out.splitlines()] == [0, 1]
    assert printed.err.splitlines()[-1] == "error: interrupted"
