"""Presenter flags (friendly values switch it on, hostile ones are ignored) and the presenter chart layout."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from playground.figures.gates import make_gate_grid
from playground.figures.gradients import make_grad_norm_figure
from playground.figures.states import make_trajectory_figure
from playground.figures.training import make_loss_figure
from playground.presenter import FONT_SCALE, Presenter, parse_presenter, presenter_sizes, scale_figure


@pytest.mark.parametrize("value, active", [("1", True), ("true", True), (["0", "1"], True), ("0", False), ("", False)])
def test_present_values(value, active):
    presenter, notes = parse_presenter({"present": value})
    assert presenter.active is active and not notes


def test_hide_list_and_round_trip():
    presenter, notes = parse_presenter({"present": "1", "hide": "LR, clip,more,,"})
    assert presenter.hide == {"lr", "clip", "more"} and not notes
    assert presenter.hides("lr") and not presenter.hides("arch")
    assert parse_presenter(presenter.to_query())[0] == presenter
    assert Presenter(hide=frozenset({"controls"})).hides("seed")


@pytest.mark.parametrize("params", [
    {"present": "<script>alert(1)</script>"}, {"hide": "lr,[x](http://evil),seed"},
    {"hide": "a" * 1000}, {"present": "2", "hide": "bogus"},
])
def test_hostile_values_are_ignored_with_a_note(params):
    presenter, notes = parse_presenter(params)
    assert notes and not presenter.active
    assert presenter.hide <= {"lr", "seed"}
    assert not any(bad in " ".join(notes) for bad in ("<script", "http", "aaaa"))


def figures() -> dict[str, go.Figure]:
    """One of each kind of chart the live pages draw (lines, subplots of heatmaps, 2-D and 3-D scatter)."""
    rng = np.random.default_rng(0)
    history = pd.DataFrame({"step": [1, 2, 3], "loss": [1.0, 0.8, 0.6], "val_metric": [np.nan, 0.7, 0.5]})
    return {
        "loss": make_loss_figure(history, "accuracy", 0.5, title="Loss"),
        "gates": make_gate_grid({g: rng.random((12, 4)) for g in "ifgo"}, title="Gates", columns=2),
        "trajectory-2d": make_trajectory_figure(rng.random((3, 12, 3)), np.array([.5, .3, .1]), title="PCA"),
        "trajectory-3d": make_trajectory_figure(rng.random((3, 12, 3)), np.array([.5, .3, .1]), dims=3),
        "grad": make_grad_norm_figure(rng.random((1, 12)), rng.random(12), title="grad"),
    }


@pytest.mark.parametrize("name", list(figures()))
def test_presenter_layout_sizes_every_chart_text(name):
    fig = scale_figure(figures()[name])
    size = presenter_sizes(FONT_SCALE)
    layout = fig.layout
    assert layout.font.size == size["tick"] and layout.legend.font.size == size["legend"]
    assert layout.hoverlabel.font.size == size["hover"]
    if layout.title.text:
        assert layout.title.font.size == size["title"]
    present = fig.to_plotly_json()["layout"]
    axes = [layout[k] for k in present if k.startswith(("xaxis", "yaxis"))]
    for k in present:
        if k.startswith("scene"):
            axes += [layout[k].xaxis, layout[k].yaxis, layout[k].zaxis]
    assert axes
    for axis in axes:
        assert axis.tickfont.size == size["tick"] and axis.title.font.size == size["axis_title"]
    for annotation in layout.annotations:
        assert annotation.font.size >= size["annotation"]
    for trace in fig.data:
        shown = trace.to_plotly_json()
        if shown.get("type") == "heatmap":
            assert shown["colorbar"]["tickfont"]["size"] == size["tick"]
        if "colorbar" in (shown.get("marker") or {}):
            assert shown["marker"]["colorbar"]["tickfont"]["size"] == size["tick"]


def test_scale_figure_grows_the_height_and_is_a_no_op_at_scale_one():
    fig = go.Figure(layout=dict(height=300, title=dict(text="t")))
    assert scale_figure(fig, 1.0, 1.0) is fig
    assert scale_figure(fig).layout.height == round(300 * 1.25)
    assert presenter_sizes(FONT_SCALE)["tick"] >= 18          # legible from the back of a room at 1280×720


def test_a_hostile_hide_list_yields_one_note():
    presenter, notes = parse_presenter({"hide": ",".join(f"x{k}" for k in range(60)) + ",lr"})
    assert presenter.hide == {"lr"} and len(notes) == 1
    assert notes[0].startswith("Ignored 60 names in URL parameter hide")
    assert "'bogus'" in parse_presenter({"hide": "bogus,lr"})[1][0]
