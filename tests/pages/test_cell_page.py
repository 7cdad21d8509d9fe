"""The "Inside the cell" page: every architecture renders, the step controls move t, junk gives an error line."""
import pytest
from streamlit.testing.v1 import AppTest

from models.architectures import ARCHITECTURES
from page_runner import open_page
from playground.lessons.cell_trace import parse_sequence
from playground.lessons.scan_step import ScanSpec, cell_equations, shown, tiny_trace
from playground.ui.scan_panels import plain_symbol

def open_cell_page(arch: str) -> AppTest:
    at = open_page("cell", direct=True)
    if arch != "lstm":
        at.sidebar.selectbox(key="cell_arch").set_value(arch).run()
    return at


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_each_arch_renders_forward_and_backward(arch):
    at = open_cell_page(arch)
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("plotly_chart") and at.latex
    assert any("PyTorch's GRU" in i.value for i in at.info) == (arch == "gru")
    at.radio(key="cell_mode").set_value("backward").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(r"\delta h" in el.value for el in at.latex)


def test_buttons_and_slider_move_the_timestep():
    at = open_cell_page("gru")
    assert at.session_state["cell_t"] == 1
    at.button(key="cell_next").click().run()
    at.button(key="cell_next").click().run()
    assert at.session_state["cell_t"] == 3
    at.button(key="cell_prev").click().run()
    assert at.session_state["cell_t"] == 2
    at.select_slider(key="cell_t").set_value(1).run()
    assert at.session_state["cell_t"] == 1 and not at.exception
    assert any("t = 1" in h.value for h in at.subheader)


def test_shorter_sequence_clamps_t_and_preset_sets_input_size():
    at = open_cell_page("lstm")
    at.select_slider(key="cell_t").set_value(3).run()
    at.sidebar.text_input(key="cell_seq").set_value("1, 2").run()
    assert at.session_state["cell_t"] == 2 and not at.exception
    at.sidebar.selectbox(key="cell_preset").set_value("2-D: 1, 0; 0, 1; 1, 1").run()
    assert at.session_state["cell_input"] == 2 and not at.exception and not at.error


def test_junk_input_shows_an_error_not_an_exception():
    at = open_cell_page("rnn")
    for seq in ["1, foo", "", ", ".join(["1"] * 13), "1, inf"]:
        at.sidebar.text_input(key="cell_seq").set_value(seq).run()
        assert not at.exception and at.error, seq
    at.sidebar.text_input(key="cell_seq").set_value("1, 2").run()
    at.sidebar.text_input(key="cell_target").set_value("1, 2, 3").run()
    assert not at.exception and "target" in at.error[0].value


@pytest.mark.parametrize("arch", [name for name, row in ARCHITECTURES.items() if not row.has_recurrent_matrix])
def test_a_scan_cell_shows_its_equations_and_every_units_numbers_at_t(arch):
    at = open_cell_page(arch)
    assert not at.exception and not at.error, [e.value for e in at.exception]
    at.button(key="cell_next").click().run()
    assert at.subheader[0].value == "Step t = 2: every quantity, every unit"
    spec = ScanSpec(arch, at.session_state["cell_hidden"], at.session_state["cell_input"], at.session_state["cell_seed"])
    trace = tiny_trace(spec, parse_sequence(at.session_state["cell_seq"], spec.input_size))
    table = at.dataframe[0].value
    assert list(table["symbol"]) == [plain_symbol(q.symbol) for q in trace.steps[1]]
    assert table["unit 0"].iloc[-1] == shown(trace.steps[1][-1].at(0))
    assert cell_equations(ARCHITECTURES[arch]) in at.latex[0].value
