"""The sweep page: the form comes filled from the gallery's preset; a bad grid is one line and starts nothing."""
from streamlit.testing.v1 import AppTest

from page_runner import open_page
from playground.config import FIELDS
from playground.sweeps.grid import PRESETS


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
