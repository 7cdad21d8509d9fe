"""The cell view on the session's trained model: a link opens one unit with the model's own numbers."""
import pytest
from streamlit.testing.v1 import AppTest

from models.architectures import ARCHITECTURES
from page_runner import open_page
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.lessons.scan_step import model_trace, shown
from playground.lessons.unit_trace import UnitRef, unit_step
from playground.ui.keys import LIVE_RUN


def open_cell(state=None, **query) -> AppTest:
    """The Inside the cell page with ``state`` in the session and ``query`` in its URL."""
    return open_page("cell", query, state)


def test_a_link_opens_one_unit_of_the_trained_model_with_its_numbers():
    run = LiveRun(RunConfig(arch="gru", task="charlm", seq_len=20, hidden=40, layers=2, batch=4))
    run.step_to(2)
    at = open_cell({LIVE_RUN: run}, source="model", layer="1", t="7", unit="33")
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value == "Unit 33 of layer 1 at t = 7: forward"
    u = unit_step(run.net, run.task, run.probe_batch, UnitRef(0, 1, 6, 33))
    assert any(f"{u.h:.4f}".replace("-", "{-}") in el.value for el in at.latex)
    assert any(r"\partial L" in el.value for el in at.latex)
    at.number_input(key="unit_k").set_value(2).run()
    assert at.subheader[0].value == "Unit 2 of layer 1 at t = 7: forward"
    assert at.query_params["unit"] in (["2"], "2")


def test_without_a_model_or_with_bad_values_the_page_says_so():
    at = open_cell(source="model")
    assert not at.exception and "no trained model" in at.info[0].value
    run = LiveRun(RunConfig(arch="rnn", task="adding", seq_len=10, hidden=8, batch=4))
    at = open_cell({LIVE_RUN: run}, source="model", t="99", unit="abc")
    assert not at.exception
    assert len([w for w in at.warning if "Ignored URL parameter" in w.value]) == 2
    assert at.subheader[0].value == "Unit 0 of layer 0 at t = 10: forward"


def test_values_the_view_cannot_use_get_a_note():
    at = open_cell(source="evil", unit="-1", t="abc")
    assert not at.exception, [e.value for e in at.exception]
    notes = [w.value for w in at.warning]
    assert any("Ignored URL parameter source: choose tiny or model" in n for n in notes), notes
    assert any("Ignored URL parameters t, unit: they pick a unit of your trained model" in n for n in notes), notes
    run = LiveRun(RunConfig(arch="rnn", task="adding", seq_len=10, hidden=8, batch=4))
    at = open_cell({LIVE_RUN: run}, source="model", unit="-1", t="²", seq="١")
    assert not at.exception, [e.value for e in at.exception]
    notes = [w.value for w in at.warning]
    assert any("unit: this model has 0 to 7" in n for n in notes), notes
    assert any("t: not a whole number" in n for n in notes) and any("seq: not a whole number" in n for n in notes)


@pytest.mark.parametrize("arch", [name for name, row in ARCHITECTURES.items() if not row.has_recurrent_matrix])
def test_a_scan_cells_unit_shows_its_step_with_the_models_numbers(arch):
    run = LiveRun(RunConfig(arch=arch, task="adding", seq_len=8, hidden=4, layers=2, batch=4))
    run.step_to(2)
    at = open_cell({LIVE_RUN: run}, source="model", layer="1", t="5", unit="3")
    assert not at.exception, [e.value for e in at.exception]
    assert at.subheader[0].value.startswith("Unit 3 of layer 1 at t = 5") and at.latex
    h = model_trace(run.net, run.probe_batch.x, 0, 1).steps[4][-1].at(3)
    table = at.dataframe[0].value
    assert table["unit 3"].iloc[-1] == shown(h) and table["symbol"].iloc[-1] == "h_t"
