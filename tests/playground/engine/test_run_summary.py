"""One source for the numbers a run shows: tiles, caption and loss chart agree, in one unit."""
import math

import numpy as np
import pandas as pd
import pytest

from playground.figures.compare import compare_summary
from playground.figures.training import make_loss_figure
from playground.engine.run_summary import perplexity, shown, shown_delta, summarize, with_latest_validation


def history(rows: int = 40, metric_every: int = 10, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    loss = 2.0 * np.exp(-np.arange(rows) / 20) + rng.random(rows) * 0.1
    val = np.full(rows, np.nan)
    val[::metric_every] = loss[::metric_every] * 1.1
    return pd.DataFrame({"step": np.arange(1, rows + 1), "loss": loss, "val_metric": val})


@pytest.mark.parametrize("metric, higher, baseline", [("bits/char", False, 4.2), ("MSE", False, 0.1667),
                                                      ("accuracy", True, 0.5)])
def test_chart_ends_at_the_summary_numbers(metric, higher, baseline):
    frame = history()
    summary = summarize(frame, metric, baseline, higher)
    fig = make_loss_figure(frame, metric, baseline)
    raw, _, val = fig.data[0], fig.data[1], fig.data[2]
    assert raw.name == summary.loss_label
    assert raw.y[-1] == pytest.approx(summary.loss) and raw.x[-1] == summary.step
    assert val.y[-1] == pytest.approx(summary.val) and val.x[-1] == summary.val_step == 31
    assert fig.layout.annotations[0].text.endswith(shown(baseline))


def test_char_model_loss_is_in_bits_everywhere():
    frame = history()
    summary = summarize(frame, "bits/char", 4.2, False)
    assert summary.loss == pytest.approx(frame["loss"].iloc[-1] / math.log(2))
    assert summary.loss_label == "training loss (bits/char)"
    assert f"training loss (bits/char) is {shown(summary.loss)}" in summary.caption()


@pytest.mark.parametrize("val, better", [(0.1656, True), (0.1669, False), (0.1667, False)])
def test_caption_and_arrow_agree_on_the_baseline(val, better):
    frame = pd.DataFrame({"step": [1, 2], "loss": [0.2, 0.17], "val_metric": [np.nan, val]})
    summary = summarize(frame, "MSE", 0.1667, False)
    assert summary.better is better and (summary.delta < 0) is better
    expected = "better" if better else "not better"
    assert f"validation MSE {shown(val)}, {expected} than the baseline {shown(0.1667)}" in summary.caption()


def test_empty_history_and_nan_validation():
    empty = summarize(pd.DataFrame(columns=["step", "loss", "val_metric"]), "MSE", 0.5, False)
    assert empty.step is None and empty.val is None and shown(empty.loss) == "—"
    assert "No training yet" in empty.caption()
    frame = pd.DataFrame({"step": [1, 2, 3], "loss": [1.0, 0.9, 0.8], "val_metric": [0.7, np.nan, np.inf]})
    summary = summarize(frame, "MSE", 0.5, False)
    assert summary.val == 0.7 and summary.val_step == 1   # the last finite value, with its step


def test_thinned_chart_still_ends_at_the_last_row():
    frame = history(rows=5000, metric_every=7)
    summary = summarize(frame, "MSE", 1.0, False)
    fig = make_loss_figure(frame, "MSE", 1.0)
    assert fig.data[0].x[-1] == summary.step == 5000 and fig.data[0].y[-1] == pytest.approx(summary.loss)


def test_compare_caption_uses_each_runs_summary():
    summaries = {"rnn": summarize(history(seed=1), "bits/char", 4.2, False),
                 "lstm": summarize(history(seed=2), "bits/char", 4.2, False)}
    text = compare_summary(summaries)
    for s in summaries.values():
        assert f"training loss (bits/char) {shown(s.loss)}" in text and f"bits/char {shown(s.val)}" in text


def test_latest_validation_joins_the_history_once():
    frame = history(rows=12, metric_every=10)               # validated at steps 1 and 11 only
    now = with_latest_validation(frame, 12, 0.123)
    summary = summarize(now, "MSE", 1.0, False)
    assert summary.val == 0.123 and summary.val_step == 12 and len(now) == len(frame)
    assert make_loss_figure(now, "MSE", 1.0).data[2].y[-1] == 0.123
    later = with_latest_validation(frame, 15, 0.1)            # published ahead of the history's rows
    assert summarize(later, "MSE", 1.0, False).val_step == 15
    assert summarize(later, "MSE", 1.0, False).step == 12     # the loss stays the last trained row's
    assert with_latest_validation(frame, 12, None) is frame


def test_perplexity_is_two_to_the_bits_and_e_to_the_nats():
    assert perplexity(1.0) == 2.0 and perplexity(0.0) == 1.0 and perplexity(None) is None
    nats = 1.7
    assert perplexity(nats / math.log(2)) == pytest.approx(math.exp(nats))
    assert perplexity(math.log2(103)) == pytest.approx(103)        # a uniform guess over 103 characters
    assert perplexity(1e6) == math.inf and shown(perplexity(1e6)) == "—"


def test_perplexity_stands_beside_bits_per_char_only():
    frame = history()
    chars = summarize(frame, "bits/char", 4.2, False)
    assert chars.perplexity == pytest.approx(2 ** chars.val) and chars.baseline_perplexity == pytest.approx(2 ** 4.2)
    assert (f"; perplexity {shown(chars.perplexity)} (baseline {shown(chars.baseline_perplexity)})."
            in chars.caption())
    assert f"validation {shown(chars.perplexity)}, baseline {shown(2 ** 4.2)}" in chars.perplexity_line()
    mse = summarize(frame, "MSE", 0.1667, False)
    assert mse.perplexity is None and mse.perplexity_line() == "" and "perplexity" not in mse.caption()


@pytest.mark.parametrize("value, text", [(0.1619, "0.1619"), (0.000123456, "1.23e-4"), (-0.0004653, "-4.65e-4"),
                                         (0.004653, "0.004653"), (0.0, "0"), (3.5, "3.5"), (1e-12, "1e-12")])
def test_a_shown_number_fits_a_tile_scientific_below_a_thousandth(value, text):
    assert shown(value) == text and len(shown(value)) <= 8
    assert shown_delta(value) == ("+" if value >= 0 else "") + shown(value, 3)
