"""Export and import: payloads parse back, weights round-trip exactly, hostile files are refused."""
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from models.architectures import ARCHITECTURES
from playground.io import export
from playground.config import RunConfig
from playground.errors import DataError
from playground.engine.live import LiveRun
from playground.tasks import make_task

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parents[3]
CONFIG = RunConfig(arch="lstm", task="adding", seq_len=12, hidden=8, batch=8, seed=3)


@pytest.fixture(scope="module")
def run():
    live = LiveRun(CONFIG)
    for _ in range(5):
        live.step_once()
    return live


def task_for(name, config):
    return make_task(config)


def test_round_trip_gives_identical_outputs(run):
    imported = export.import_run(export.weights_bytes(run), task_for)
    assert imported.config == run.config and imported is not run
    x = run.trainer.probe_batch.x
    with torch.no_grad():
        assert torch.equal(run.trainer.net(x)[0], imported.trainer.net(x)[0])
    assert np.allclose(imported.snapshot.hidden, run.snapshot.hidden, atol=1e-6)


class Exploit:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


@pytest.mark.parametrize("wrap", ["bare", "in_checkpoint"])
def test_pickle_with_code_is_refused_and_never_runs(tmp_path, wrap):
    target = tmp_path / "pwned"
    if wrap == "bare":
        data = pickle.dumps(Exploit(target), protocol=2)
    else:
        buffer = io.BytesIO()
        torch.save({"format": "rnn-playground/1", "config": {}, "state_dict": {"x": Exploit(target)}}, buffer)
        data = buffer.getvalue()
    with pytest.raises(DataError):
        export.import_run(data, task_for)
    assert not target.exists()


def test_junk_and_wrong_shapes_are_refused(run):
    with pytest.raises(DataError):
        export.import_run(b"\x00not a checkpoint" * 10, task_for)
    ckpt = torch.load(io.BytesIO(export.weights_bytes(run)), weights_only=True)
    ckpt["config"]["hidden"] = 9
    buffer = io.BytesIO()
    torch.save(ckpt, buffer)
    with pytest.raises(DataError, match="shape"):
        export.import_run(buffer.getvalue(), task_for)


def test_history_and_probe_payloads_parse_back(run):
    history = pd.read_csv(io.BytesIO(export.history_csv(run)))
    assert list(history["step"]) == [1, 2, 3, 4, 5]
    arrays = np.load(io.BytesIO(export.snapshot_npz(run.snapshot)))
    assert arrays["hidden"].shape == (12, 16, 8) and "gate_f" in arrays
    table = pd.read_csv(io.BytesIO(export.snapshot_csv(run.snapshot)))
    assert list(table.columns[:5]) == ["layer", "t", "sequence", "unit", "h"]
    assert {"c", "i", "f", "g", "o"} <= set(table.columns) and len(table) == 12 * 16 * 8
    row = table[(table.t == 3) & (table.sequence == 2) & (table.unit == 5)].iloc[0]
    assert row["h"] == pytest.approx(run.snapshot.hidden[0, 2, 2, 5], abs=1e-5)
    small, note = export.snapshot_frame(run.snapshot, max_rows=200)
    assert small["sequence"].max() == 1 and "0–1 of 16" in note


def test_figures_link_and_snippet(run, tmp_path):
    figures = export.run_figures(run)
    assert list(figures) == export.figure_names(run.snapshot)
    assert {"loss", "gradient_norm", "trajectory", "gate_f", "saturation"} <= set(figures)
    page = export.figure_html(figures["loss"]).decode()
    self_contained = "<title>" in page and '<script src="http' not in page and len(page) > 1_000_000
    assert self_contained                                  # plotly.js inlined: opens offline
    report = export.report_html(figures, run.config, 5)
    assert report.count(b"Plotly.newPlot") == len(figures)
    link = export.reproduce_link(CONFIG, "http://host:8501/app/model")
    assert link.startswith("http://host:8501/app/train?") and "seed=3" in link and "hidden=8" in link
    assert export.reproduce_link(RunConfig(), None) == "train"
    (tmp_path / "weights.pt").write_bytes(export.weights_bytes(run))
    code = export.load_snippet(CONFIG, 2, 1) + "\nprint(tuple(out.shape))"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(1, 12, 1)"


SCAN_ARCHS = [name for name, row in ARCHITECTURES.items() if row.fused is None]


@pytest.mark.parametrize("arch", SCAN_ARCHS)
def test_a_scan_cell_round_trips_and_its_snippet_loads_the_weights(arch, tmp_path):
    """A cell without a torch.nn module: the weights file imports back exactly, and the snippet
    loads it into the repository's network and runs it."""
    config = CONFIG.replace(arch=arch, layers=2)
    live = LiveRun(config)
    live.step_once()
    data = export.weights_bytes(live)
    imported = export.import_run(data, task_for)
    x = live.trainer.probe_batch.x
    with torch.no_grad():
        assert torch.equal(live.trainer.net(x)[0], imported.trainer.net(x)[0])
    (tmp_path / "weights.pt").write_bytes(data)
    code = export.load_snippet(config, 2, 1) + "\nprint(tuple(out.shape))"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(1, 12, 1)"


@pytest.mark.parametrize("network, task, shape", [("bidirectional", "lookahead", "(1, 12, 1)"),
                                                  ("seq2seq-additive", "reverse", "(1, 25, 8)")])
def test_a_network_shapes_weights_round_trip_and_its_snippet_runs(network, task, shape, tmp_path):
    """A bidirectional run's weights load into torch's bidirectional module, an encoder–decoder's into the
    repository's network rebuilt from the checkpoint's config; both import back exactly."""
    config = CONFIG.replace(network=network, arch="gru", task=task, lag=2)
    live = LiveRun(config)
    live.step_once()
    data = export.weights_bytes(live)
    imported = export.import_run(data, task_for)
    assert imported.config.network == network
    x = live.trainer.probe_batch.x
    with torch.no_grad():
        assert torch.equal(live.trainer.net(x)[0], imported.trainer.net(x)[0])
    (tmp_path / "weights.pt").write_bytes(data)
    task_ = live.trainer.task
    code = export.load_snippet(config, task_.input_size, task_.output_size, task_.vocab_size) + "\nprint(tuple(out.shape))"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == shape
