"""The sweep page: the form comes filled from the gallery's preset; a bad grid is one line and starts nothing."""
import pytest
from streamlit.testing.v1 import AppTest

from page_runner import open_page
from playground.config import FIELDS
from playground.sweeps.presets import PRESETS


def open_sweep(query=None) -> AppTest:
    """The sweep page, opened with ``query`` in its URL."""
    return open_page("sweep", query)


def test_the_memory_preset_fills_the_form():
    at = open_sweep({"preset": "memory"})
    assert not at.exception
    preset = PRESETS["memory"]
    assert at.multiselect(key="sweep_arch").value == ["rnn", "gru", "lstm"]
    assert at.text_input(key="sweep_seq_len").value == preset.values["seq_len"]
    assert at.text_input(key="sweep_seed").value == "0,1,2"
    assert at.number_input(key="sweep_steps").value == preset.steps


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_fills_the_form_with_its_architectures_and_steps(name):
    """A preset may take any of the table's architectures (the every-cell preset takes all seven)."""
    at = open_sweep({"preset": name})
    assert not at.exception
    preset = PRESETS[name]
    assert at.multiselect(key="sweep_arch").value == preset.values["arch"].split(",")
    assert at.number_input(key="sweep_steps").value == preset.steps


def test_every_run_setting_is_a_sweep_axis_and_a_preset_fills_init_radius_and_clipping():
    at = open_sweep({"preset": "radius"})
    assert not at.exception
    boxes = {box.key for box in at.text_input}
    assert {f"sweep_{name}" for name in FIELDS if name not in ("arch", "task")} <= boxes
    for name in ("init", "radius", "clip", "optimizer"):
        assert at.text_input(key=f"sweep_{name}").value == PRESETS["radius"].values[name]
    assert at.text_input(key="sweep_gate_bias").value == ""


def test_a_bad_grid_is_refused_in_one_line_and_no_sweep_starts():
    at = open_sweep()
    at.text_input(key="sweep_seq_len").input("10,0")
    submit = next(b for b in at.button if b.label == "Start the sweep")
    submit.click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors == ["Cannot start this sweep: seq_len must be between 1 and 400 (got 0)"]
    assert any("Set the grid and press Start" in c.value for c in at.caption)


def _results_page():
    """The results of a finished two-trial sweep (one solved, one failed), drawn by the page's own function."""
    from types import SimpleNamespace

    import streamlit as st

    from playground.config import RunConfig
    from playground.ui.page_files import page_file
    from playground.sweeps.grid import TrialResult
    from playground.ui.sweep_session import results_ui

    results = [TrialResult(0, RunConfig(arch="rnn", seq_len=10).to_dict(), metric=0.01, baseline=0.167,
                           metric_name="MSE", solved=True, steps_to_threshold=40, seconds_to_threshold=1.5),
               TrialResult(1, RunConfig(arch="rnn", seq_len=30, seed=4).to_dict(), metric=None, baseline=0.167,
                           metric_name="MSE", solved=False, error="lost")]
    st.navigation([st.Page(page_file("sweep"), default=True), st.Page(page_file("train"))], position="hidden")
    run = SimpleNamespace(progress=lambda: SimpleNamespace(results=results),
                          spec=SimpleNamespace(varied=lambda: ["arch", "seq_len"]))
    results_ui(run)


def test_trial_table_leaves_missing_cells_blank_and_each_trial_opens_in_one_click():
    from urllib.parse import parse_qs

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_results_page, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert "None" not in table.astype(str).to_string() and "url" not in table.columns
    assert list(table["error"]) == ["", "lost"]
    links = [el for el in at.get("page_link")]
    assert [link.proto.label for link in links] == ["trial 0", "trial 1"]
    assert links[1].proto.page == "train"
    assert parse_qs(links[1].proto.query_string) == {"arch": ["rnn"], "seq_len": ["30"], "seed": ["4"]}
