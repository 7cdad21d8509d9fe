"""Bad input wherever a link or a user can give it: URL parameters, hyperparameters, uploads, weights.

Every case expects a clear message, no exception element, and (where the session had one)
its run in ``st.session_state[LIVE_RUN]`` kept with its history.
"""
import io
import os
import pickle
import re
from pathlib import Path

import time

import pytest
import torch
from streamlit.testing.v1 import AppTest

from page_runner import live_tiles, open_page
from playground.io import user_data as ud
from playground.io.upload_limits import MAX_BYTES
from playground.io.checkpoint import checkpoint_dict
from playground.io.checkpoint_format import FORMAT
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.ui.keys import LIVE_RUN

BASE = {"task": "adding", "seq_len": "10", "hidden": "8", "batch": "8"}
SMALL = RunConfig(task="adding", seq_len=10, hidden=8, batch=8)
PWNED = Path("/tmp/rnnpg_pwned")


def app(default: str, params=None, run=None, **state) -> AppTest:
    """The page ``default`` (train/compare/data/model) opened with ``params`` in its URL, ``run`` as the
    session's live run and ``state`` in the session."""
    files = {"train": "train", "compare": "compare", "data": "data", "model": "model_io"}
    return open_page(files[default], params, {**({LIVE_RUN: run} if run else {}), **state})


def trained(config: RunConfig = SMALL, steps: int = 3) -> LiveRun:
    run = LiveRun(config)
    run.tick(budget_s=600, max_steps=steps)
    return run


def train_until_it_stops(run, steps: int = 200, bound_s: float = 120.0) -> None:
    """Start ``run`` in its worker and wait (on its publications) until it stops or reaches ``steps``."""
    deadline = time.monotonic() + bound_s
    run.set_running(True, until=steps)
    while run.running and run.step_count < steps:
        assert time.monotonic() < deadline, "the run neither diverged nor reached its steps"
        run.backend.wait_published(run.run_id, run.view.version, 1.0)
    run.set_running(False)


def texts(elements) -> str:
    return " | ".join(el.value for el in elements)


def assert_kept(at, run, steps):
    assert not at.exception, texts(at.exception)
    assert at.session_state[LIVE_RUN] is run
    assert run.step_count == steps and len(run.history) == steps


# --- URL parameters -------------------------------------------------------------------------
HOSTILE = [("arch", "<script>alert(1)</script>"), ("seq_len", "1e999"), ("lr", "nan"), ("hidden", "-1"),
           ("seed", ""), ("task", "ünï©ødé ☃ \u202e\ufffd\U0001F600"), ("clip", "9" * 10_000),
           ("lr", "1e-999"), ("layers", "2.5"), ("optimizer", "[click](http://evil.example)"),
           ("batch", "0x10"), ("arch", ["gru", "<b>x</b>"])]


@pytest.mark.parametrize("page", ["train", "compare"])
@pytest.mark.parametrize("key,value", HOSTILE, ids=[f"{k}-{str(v)[:12]!r}" for k, v in HOSTILE])
def test_hostile_url_parameter_falls_back_to_its_default(page, key, value):
    keep = page == "train" and key not in BASE           # a broken link must not reset the session's run
    run = trained() if keep else None
    at = app(page, {**BASE, key: value}, run)
    assert not at.exception, texts(at.exception)
    assert f"Ignored URL parameter {key}" in texts(at.warning)
    assert at.session_state[f"cfg_{key}"] == getattr(RunConfig(), key)
    assert [*at.get("plotly_chart"), *at.get("bidi_component")]
    if keep:
        assert_kept(at, run, 3)


@pytest.mark.parametrize("params", [{"arch": ["<script>", "gru"]}, {"foo": "bar", "__proto__": "x", "é": "ü"}],
                         ids=["repeated-key-last-wins", "unknown-keys"])
def test_repeated_and_unknown_keys(params):
    at = app("train", {**BASE, **params})
    assert not at.exception and not at.warning, texts(at.warning)
    assert at.session_state["cfg_arch"] == ("gru" if "arch" in params else "lstm")


def test_presenter_flags_never_echo_hostile_text():
    at = app("train", {**BASE, "present": "<script>", "hide": "x" * 10_000})
    assert not at.exception
    notes = texts(at.warning)
    assert "Ignored URL parameter present" in notes and "Ignored URL parameter hide" in notes
    assert "<script>" not in notes and len(notes) < 500


def test_url_notes_are_short_and_inert():
    at = app("train", {**BASE, "clip": "9" * 10_000, "task": "[click](http://evil.example) ![](http://evil.example/a.png)"})
    assert all(len(w.value) < 500 for w in at.warning)
    outside_code = re.sub(r"(`+)(?:(?!\1).)*?\1", "", texts(at.warning))   # the value shows only as a code span
    assert "](" not in outside_code and "evil" not in outside_code


# --- absurd hyperparameters reachable in the UI ---------------------------------------------
def test_lr_at_widget_maximum_with_sgd_diverges_with_a_message():
    at = app("train", {**BASE, "arch": "rnn"})
    at.radio(key="cfg_optimizer").set_value("sgd").run()
    at.number_input(key="cfg_lr").set_value(10.0).run()
    at.button(key="live_run_step").click().run()
    run = at.session_state[LIVE_RUN]
    assert run.config.optimizer == "sgd" and run.config.lr == 10.0
    train_until_it_stops(run)                               # what Start does, in the run's worker
    at.run()
    assert not at.exception, texts(at.exception)
    kind, status = live_tiles(at)["status"]                 # the status line above the tiles
    assert kind == "error" and "Training paused" in status and "lower the learning rate" in status
    assert at.session_state[LIVE_RUN] is run and not run.running
    assert run.step_count >= 1 and len(run.history_frame()) == run.step_count
    with run.lock:
        assert all(torch.isfinite(p).all() for p in run.net.parameters())
    at.button(key="live_run_step").click().run()          # stepping again is allowed and safe
    assert not at.exception and len(run.history_frame()) == run.step_count


def test_lag_longer_than_the_sequence_keeps_the_last_valid_settings():
    run = trained(SMALL.replace(task="copy", lag=3))
    at = app("train", {**BASE, "task": "copy", "lag": "3"}, run)
    at.number_input(key="cfg_lag").set_value(300).run()
    assert "Keeping the last valid settings" in texts(at.sidebar.error)
    assert_kept(at, run, 3)


def test_compare_page_divergence_stops_each_run_with_a_message():
    at = app("compare", {**BASE, "optimizer": "sgd", "lr": "10"})
    runs = [at.session_state[f"compare_{arch}"] for arch in ("rnn", "gru", "lstm")]
    for run in runs:
        train_until_it_stops(run)
    at.run()
    assert not at.exception, texts(at.exception)
    assert texts(at.error).count("stopped:") == sum(bool(r.error) for r in runs) >= 1


# --- uploads ----------------------------------------------------------------------------------
ROWS = "\n".join(f"{k},{k % 7}.5" for k in range(60))
UPLOADS = {
    "empty": ("series", b"", "empty"),
    "png": ("series", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    "nul-bytes-text": ("text", b"\x00" * 1000, "binary"),
    "over-limit": ("series", b"t,v\n" + b"1,2\n" * (MAX_BYTES // 4 + 1), "limit is 10 MB"),
    "latin-1": ("series", f"température,valeur\n{ROWS}".encode("latin-1"), "not UTF-8"),
    "utf-16": ("series", f"t,v\n{ROWS}".encode("utf-16"), "UTF-16"),
    "no-numeric": ("series", b"a,b\n" + b"x,y\n" * 30, "no numeric column"),
    "header-only": ("series", b"t,v\n", "no rows"),
    "single-row": ("series", b"t,v\n1,2.5\n", "single row"),
    "few-rows": ("series", b"t,v\n" + b"".join(b"%d,%d\n" % (k, k * k) for k in range(5)), "at least 20"),
    "short-text": ("text", b"too short for any window", "at least 200"),
    "one-class": ("labelled", ("text,label\n" + "a fine film,pos\n" * 30).encode(), "single label"),
    "rare-class": ("labelled", ("text,label\n" + "good,pos\nbad,neg\n" * 15 + "meh,odd\n").encode(), "only 1 example"),
}


@pytest.mark.parametrize("name", list(UPLOADS))
def test_bad_upload_gives_a_message_and_keeps_the_run(name):
    kind, data, fragment = UPLOADS[name]
    run = trained()
    at = app("data", run=run)
    at.radio(key="data_kind").set_value(kind).run()
    at.file_uploader(key=f"data_upload_{kind}").set_value((f"{name}.csv", data, "text/csv")).run()
    assert fragment in texts(at.error), texts(at.error)
    assert "custom_task" not in at.session_state
    assert_kept(at, run, 3)


def test_csv_with_gaps_is_filled_with_a_note():
    data = "t,v\n" + "\n".join(f"{k},{'' if k % 9 == 0 else k % 5}" for k in range(1, 80)) + "\n"
    at = app("data", run=trained())
    at.file_uploader(key="data_upload_series").set_value(("gaps.csv", data.encode(), "text/csv")).run()
    assert not at.exception and not at.error, texts(at.error)
    assert "linear interpolation" in texts(at.info)


def test_uploaded_text_shorter_than_the_sequence_length():
    text = "".join(chr(97 + k % 26) for k in range(300))
    task = ud.text_task(text, "tiny", 20)
    run = LiveRun(RunConfig(task="custom", seq_len=20, hidden=8, batch=8), task)
    run.tick(budget_s=600, max_steps=3)
    at = app("train", {"task": "custom", "seq_len": "400", "hidden": "8", "batch": "8"}, run, custom_task=task)
    assert "Cannot use your data with these settings" in texts(at.error), texts(at.error)
    assert_kept(at, run, 3)


# --- weights files ----------------------------------------------------------------------------
WEIGHTS_CONFIG = RunConfig(arch="gru", hidden=8, seq_len=10, seed=4, batch=8)


class Exploit:
    """Pickled, this object runs a shell command when loaded by an unsafe unpickler."""

    def __reduce__(self):
        return (os.system, (f"touch {PWNED}",))


def saved(obj) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def checkpoint(**edits) -> dict:
    run = LiveRun(WEIGHTS_CONFIG)
    data = checkpoint_dict(run.config, "adding", run.trainer.net)
    data["config"].update(edits.pop("config", {}))
    for name, tensor in edits.pop("tensors", {}).items():
        data["state_dict"][name] = tensor
    return {**data, **edits}


WEIGHTS = {
    "junk": (lambda: b"junk bytes, not a checkpoint", "not a weights file"),
    "empty": (lambda: b"", "not a weights file"),
    "png": (lambda: b"\x89PNG\r\n\x1a\n" + bytes(200), "not a weights file"),
    "truncated": (lambda: saved(checkpoint())[:600], "not a weights file"),
    "wrong-shape-config": (lambda: saved(checkpoint(config={"hidden": 16})), "has shape"),
    "wrong-shape-tensor": (lambda: saved(checkpoint(tensors={"head.weight": torch.zeros(3, 3)})), "has shape"),
    "nan-weights": (lambda: saved(checkpoint(tensors={"head.bias": torch.full((1,), float("nan"))})), "NaN or Inf"),
    "no-format-marker": (lambda: saved({"state_dict": {"w": torch.zeros(2)}}), "missing format marker"),
    "bad-config": (lambda: saved(checkpoint(config={"arch": "<script>"})), "bad config"),
    "uploaded-data-missing": (lambda: saved(checkpoint(config={"task": "custom"}, task="custom")), "upload the same file"),
    "torch-pickle-with-code": (lambda: saved(Exploit()), "not a weights file"),
    "code-inside-checkpoint": (lambda: saved({"format": FORMAT, "config": {}, "state_dict": Exploit()}), "not a weights file"),
    "raw-pickle-with-code": (lambda: pickle.dumps(Exploit(), protocol=2), "not a weights file"),
}


@pytest.mark.parametrize("name", list(WEIGHTS))
def test_bad_weights_are_refused_and_keep_the_run(name):
    PWNED.unlink(missing_ok=True)
    build, fragment = WEIGHTS[name]
    run = trained()
    at = app("model", run=run)
    at.file_uploader(key="model_upload").set_value((f"{name}.pt", build(), "application/octet-stream")).run()
    at.button(key="model_load").click().run()
    errors = texts(at.error)
    assert fragment in errors and "The current run is unchanged" in errors, errors
    assert not PWNED.exists(), "a weights file ran code"
    assert_kept(at, run, 3)


def test_a_hostile_file_name_is_shown_as_plain_text():
    run = trained()
    at = app("model", run=run)
    name = "[click me](javascript:alert(1))**<b>x</b>.pt"
    at.file_uploader(key="model_upload").set_value((name, b"junk", "application/octet-stream")).run()
    at.button(key="model_load").click().run()
    errors = texts(at.error)
    assert "Could not load click mejavascriptalert1bxb.pt" in errors, errors
    assert "](" not in errors and "<b>" not in errors and "**" not in errors
    assert_kept(at, run, 3)
