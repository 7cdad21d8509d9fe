"""Presenter flags: friendly values switch it on, hostile ones are ignored with a safe note."""
import plotly.graph_objects as go
import pytest

from playground.presenter import FONT_SCALE, Presenter, parse_presenter, scale_figure


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


def test_scale_figure_enlarges_fonts_and_height():
    fig = go.Figure(layout=dict(font=dict(size=10), height=300, title=dict(text="t", font=dict(size=12))))
    scale_figure(fig)
    assert fig.layout.font.size == round(10 * FONT_SCALE) and fig.layout.height > 300
    assert fig.layout.title.font.size == round(12 * FONT_SCALE)
