"""The sweep chart: a line per series, steps to solve beside the solve rate, bands that stay with their line."""
import math

import pandas as pd
import pytest

from playground.config import RunConfig
from playground.figures.sweep import band_polygon, make_memory_figure
from playground.sweeps.grid import TrialResult
from playground.sweeps.results import memory_curve, results_frame, series_fields


def _trial(index, metric, solved, steps=None, **settings):
    config = RunConfig(seed=index, **settings).to_dict()
    return TrialResult(index, config, metric=metric, baseline=0.167, metric_name="MSE", solved=solved,
                       steps_to_threshold=steps)


@pytest.fixture
def irnn_frame():
    rows, k = [], 0
    for activation in ("tanh", "relu"):
        for init in ("default", "identity"):
            for seed in range(2):
                good = activation == "relu" and init == "identity"
                rows.append(_trial(k, 0.01 + seed * 0.001 if good else 0.15 + seed * 0.01, good,
                                   300 + 100 * seed if good else None, arch="rnn", activation=activation, init=init))
                k += 1
    return results_frame(rows)


def test_lines_are_the_varied_settings_but_the_x_axis_and_the_seed():
    assert series_fields(["activation", "init", "seed"], "init") == ["activation"]
    assert series_fields(["seq_len", "seed"], "seq_len") == ["arch"]


def test_a_curve_per_series_with_the_median_steps_of_the_seeds_that_solved(irnn_frame):
    curve = memory_curve(irnn_frame, "init", ["activation"]).set_index(["series", "x"])
    assert curve.loc[("activation=relu", "identity"), "solved_fraction"] == 1.0
    assert curve.loc[("activation=relu", "identity"), "steps_to_solve"] == 350
    assert math.isnan(curve.loc[("activation=tanh", "default"), "steps_to_solve"])
    assert curve.loc[("activation=tanh", "default"), ["low", "high"]].tolist() == pytest.approx([0.15, 0.16])


def test_each_band_is_a_closed_polygon_over_its_own_line_only(irnn_frame):
    curve = memory_curve(irnn_frame, "init", ["activation"])
    figure = make_memory_figure(curve, "init", "MSE", 0.167)
    bands = [t for t in figure.data if t.fill == "toself"]
    assert len(bands) == 2 and not any(t.fill == "tonexty" for t in figure.data)
    for band in bands:
        name = band.name.removesuffix(" band")
        rows = curve[curve["series"] == name]
        line = next(t for t in figure.data if t.name == name and t.yaxis == band.yaxis and t.fill != "toself")
        assert set(band.x) == set(rows["x"]) == set(line.x)            # no vertex on another line's points
        assert set(band.y) == set(rows["low"]) | set(rows["high"])
        assert band.x[0] == band.x[-1] and band.y[0] == band.y[-1]     # closed
        assert band.fillcolor.startswith("rgba(") and line.line.color.lower() in _hex(band.fillcolor)
    titles = [a.text for a in figure.layout.annotations]
    assert any("steps to solve" in t for t in titles) and any("fraction of seeds" in t for t in titles)


def test_diverged_seeds_get_their_own_dotted_line():
    rows = [_trial(k, 0.02 if clip else float("nan"), False, arch="rnn", task="sine", clip=clip)
            for k, clip in enumerate((0.0, 0.0, 1.0, 1.0))]
    for row in rows[:2]:
        row.diverged = True
    curve = memory_curve(results_frame(rows), "clip", ["arch"]).set_index("x")
    assert curve.loc[0.0, "diverged_fraction"] == 1.0 and curve.loc[1.0, "diverged_fraction"] == 0.0
    figure = make_memory_figure(curve.reset_index(), "clip", "MSE", 0.09)
    dotted = [t for t in figure.data if t.name and t.name.endswith(": diverged")]
    assert len(dotted) == 1 and list(dotted[0].y) == [1.0, 0.0]


def test_a_point_without_a_finite_metric_leaves_the_band():
    rows = pd.DataFrame({"x": [10, 50, 100], "low": [0.1, float("nan"), 0.2], "high": [0.2, float("nan"), 0.3]})
    xs, ys = band_polygon(rows)
    assert 50 not in xs and len(xs) == len(ys) == 5


def _hex(rgba: str) -> str:
    r, g, b, _ = rgba[5:-1].split(",")
    return f"#{int(r):02x}{int(g):02x}{int(b):02x}"
