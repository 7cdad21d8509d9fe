"""The bounded history: same size at step 100 and 1,000,000, level kept, newest rows exact."""
import numpy as np
import pytest

from playground.engine.history import History, history_frame


def rows(n, start=1):
    return [{"step": s, "loss": float(s), "grad_norm": 1.0, "lr": 0.01, "clip": 0.0, "seconds": 0.5,
             "val_metric": float(s) if s % 10 == 0 else None} for s in range(start, start + n)]


def test_short_histories_are_kept_as_they_came():
    h = History(16)
    h.extend(rows(10))
    frame = history_frame(h.arrays())
    assert list(frame["step"]) == list(range(1, 11)) and frame["val_metric"].iloc[9] == 10.0


@pytest.mark.parametrize("n", [17, 100, 5_000, 100_000])
def test_size_is_bounded_and_weighted_means_keep_the_level(n):
    h = History(16)
    h.extend(rows(n))
    arrays = h.arrays()
    assert len(h) <= 16
    assert arrays["step"][-1] == n and np.all(np.diff(arrays["step"]) > 0)
    weights = h.counts[:len(h)]
    assert weights.sum() == n                                          # every step is counted once
    assert np.average(arrays["loss"], weights=weights) == pytest.approx((n + 1) / 2)
    assert arrays["seconds"].sum() == pytest.approx(0.5 * n)
    assert list(arrays["step"][-8:]) == list(range(n - 7, n + 1))      # the newest half stays exact


def test_validation_values_survive_downsampling():
    h = History(8)
    h.extend(rows(200))
    assert np.isfinite(h.arrays()["val_metric"]).sum() >= 2


def test_an_empty_history_is_an_empty_table_with_the_columns():
    assert list(history_frame({}).columns) == ["step", "loss", "grad_norm", "lr", "clip", "seconds", "val_metric"]
