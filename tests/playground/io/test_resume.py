"""Save, load, train on: a saved run continues as if it had never stopped.

Train n steps, save, load, train m more ≡ train n + m steps: the same weights, bit for bit,
and the same history — in this process and through the worker pool. A resume state from
an untrusted file is checked like the weights are: each bad part is refused with one line.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from playground.io import export
from playground.io.checkpoint import checkpoint_dict
from playground.io.checkpoint_format import read_checkpoint
from playground.io.checkpoint_resume import load_resume
from playground.config import RunConfig
from playground.errors import DataError
from playground.engine.history import History
from playground.engine.live import LiveRun
from playground.backends.pool import ProcessPool
from playground.backends.run_handle import RunHandle
from playground.tasks import make_task

CONFIGS = {
    "lstm-adam": RunConfig(arch="lstm", task="adding", seq_len=12, hidden=8, batch=8, seed=3),
    "gru-sgd": RunConfig(arch="gru", task="copy", seq_len=8, lag=3, hidden=8, batch=8, seed=1, optimizer="sgd", lr=0.1),
    "rnn-clipped": RunConfig(arch="rnn", task="adding", seq_len=10, hidden=6, batch=4, seed=2, clip=0.5),
}
BOUND_S = 60.0


def task_for(name, config):
    return make_task(config)


def trained(config: RunConfig, steps: int, **kwargs) -> LiveRun:
    run = LiveRun(config, **kwargs)
    run.step_to(steps)
    return run


def assert_same_run(a, b) -> None:
    """Same step, same weights bit for bit, same history (losses, norms, validations)."""
    assert a.step_count == b.step_count
    for (name, x), (_, y) in zip(a.net.state_dict().items(), b.net.state_dict().items()):
        assert torch.equal(x, y), name
    fa, fb = a.history_frame(), b.history_frame()
    assert list(fa["step"]) == list(fb["step"])
    for column in ("loss", "grad_norm", "val_metric"):
        assert np.allclose(fa[column], fb[column], rtol=0, atol=0, equal_nan=True), column


@pytest.mark.parametrize("name", CONFIGS)
def test_train_save_load_train_equals_training_straight_through(name):
    config = CONFIGS[name]
    straight = trained(config, 140)                 # crosses a validation step (every 100)
    saved = trained(config, 60)
    resumed = export.import_run(export.weights_bytes(saved), task_for)
    assert resumed.step_count == 60 and len(resumed.history) == 60
    resumed.step_to(140)
    assert_same_run(resumed, straight)


def test_a_long_history_keeps_merging_as_it_would_have():
    small = dict(task="adding", seq_len=6, hidden=4, batch=4, seed=5)
    history = History(capacity=8)
    rows = [{"step": s, "loss": 1.0 / s, "grad_norm": float(s)} for s in range(1, 30)]
    history.extend(rows[:13])
    copy = History(capacity=8)
    copy.restore(history.state())
    history.extend(rows[13:])
    copy.extend(rows[13:])
    for column, values in history.arrays().items():
        assert np.array_equal(values, copy.arrays()[column], equal_nan=True), column
    assert np.array_equal(history.state()["count"], copy.state()["count"])
    assert small                                     # the config is only for readability of the case


def test_a_file_without_resume_state_loads_as_weights_at_step_zero():
    run = trained(CONFIGS["lstm-adam"], 20)
    data = io.BytesIO()
    torch.save(checkpoint_dict(run.config, "adding", run.net), data)    # as older files were written
    loaded = export.import_run(data.getvalue(), task_for)
    assert loaded.step_count == 0 and len(loaded.history) == 0
    with torch.no_grad():
        x = run.probe_batch.x
        assert torch.equal(loaded.net(x)[0], run.net(x)[0])


def test_through_the_worker_pool_a_saved_run_resumes_exactly():
    config = CONFIGS["lstm-adam"]
    straight = trained(config, 90)
    pool = ProcessPool(workers=1)
    try:
        first = RunHandle(pool, config)
        assert first.wait_ready(BOUND_S)
        first.step_to(40)
        assert first.step_count == 40
        data = export.weights_bytes(first)
        first.close()
        second = export.import_run(data, task_for, lambda c, t, w, r: RunHandle(pool, c, t, w, r))
        assert second.wait_ready(BOUND_S) and second.step_count == 40
        second.step_to(90)
        assert second.step_count == 90
        state = second.resume_state()
        for name, value in straight.net.state_dict().items():
            assert np.array_equal(state["weights"][name], value.numpy()), name
        assert np.array_equal(state["history"]["loss"], straight.history.state()["loss"])
        second.close()
    finally:
        pool.shutdown()


# --- an untrusted resume state ---------------------------------------------------------------
def saved_dict() -> dict:
    run = trained(CONFIGS["lstm-adam"], 12)
    state = dict(run.resume_state())
    return checkpoint_dict(run.config, "adding", state.pop("weights"), state)


def moment(data, suffix):
    return next(k for k in data["resume"]["moments"] if k.endswith(suffix))


def set_in(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value(data) if callable(value) else value
    return change


BAD = {
    "step-float": (set_in(("resume", "step"), 12.0), "step must be a whole number"),
    "step-huge": (set_in(("resume", "step"), 10**12), "step must be a whole number"),
    "extra-key": (set_in(("resume", "code"), 1), "it needs exactly"),
    "negative-second-moment": (lambda d: d["resume"]["moments"][moment(d, "exp_avg_sq")].fill_(-1.0),
                               "second moment is negative"),
    "nan-moment": (lambda d: d["resume"]["moments"][moment(d, "/exp_avg")].fill_(float("nan")), "NaN or Inf"),
    "moment-shape": (lambda d: d["resume"]["moments"].__setitem__(moment(d, "/exp_avg"), torch.zeros(3)),
                     "has shape"),
    "half-the-moments": (lambda d: d["resume"]["moments"].pop(moment(d, "/exp_avg")), "do not match"),
    "rng-size": (set_in(("resume", "data_rng"), torch.zeros(7, dtype=torch.uint8)), "generator state"),
    "rng-dtype": (set_in(("resume", "data_rng"), lambda d: d["resume"]["data_rng"].float()), "generator state"),
    "history-too-long": (set_in(("resume", "history"), lambda d: {k: torch.arange(1, 5000, dtype=torch.float64)
                                                                  for k in d["resume"]["history"]}),
                         "values; at most"),
    "history-ragged": (lambda d: d["resume"]["history"].__setitem__("loss", torch.zeros(3, dtype=torch.float64)),
                       "one length of at most"),
    "history-past-step": (lambda d: d["resume"]["history"]["step"].add_(100), "must rise"),
    "history-nan-loss": (lambda d: d["resume"]["history"]["loss"].fill_(float("nan")), "NaN or Inf"),
    "history-int": (set_in(("resume", "history", "loss"), lambda d: d["resume"]["history"]["loss"].long()),
                    "dtype int64; only real floating-point"),
    "not-tensors": (set_in(("resume", "moments"), {"lstm.weight_ih_l0/exp_avg": 1.5}), "other than tensors"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_resume_state_is_refused_with_one_line(case):
    change, message = BAD[case]
    data = saved_dict()
    change(data)
    buffer = io.BytesIO()
    torch.save(data, buffer)
    with pytest.raises(DataError, match=message) as err:
        export.import_run(buffer.getvalue(), task_for)
    assert "\n" not in str(err.value)


def test_a_good_resume_state_reads_back_as_saved():
    data = saved_dict()
    buffer = io.BytesIO()
    torch.save(data, buffer)
    read = read_checkpoint(buffer.getvalue())
    run = LiveRun(CONFIGS["lstm-adam"])
    resume = load_resume(read, run.net, run.config)
    assert resume["step"] == 12 and resume["optimizer_steps"] == 12
    assert set(resume["moments"]) == set(data["resume"]["moments"])
    assert len(resume["history"]["step"]) == 12
