"""The teaching pages (gradients, compare, language, interventions) render for every architecture.

Pages run through the real entrypoint (as in tests/pages/test_every_page.py) with small models put in
session state beforehand, so no test waits for a real training run.
"""
import pytest

from models.architectures import ARCH_NAMES, ARCHITECTURES
from page_runner import drawn_charts, open_page
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.ui.keys import LIVE_RUN


def charts(at):
    return drawn_charts(at)


def tiny_char_run(arch):
    return LiveRun(RunConfig(arch=arch, task="charlm", seq_len=12, hidden=6, batch=4))


def test_gradients_page_draws_every_chart_and_connectivity():
    at = open_page("gradients.py", state={"language_run": tiny_char_run("gru"), "clip_steps": 50})
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 5
    assert any("span" in m.value for m in at.markdown)                # the connectivity text
    at.text_area(key="conn_text").set_value("\u2603\u2603").run()     # no known characters
    assert not at.exception and at.warning


def test_compare_step_advances_all_three_equally():
    at = open_page("compare.py", query={"seq_len": "8", "hidden": "4", "batch": "4"})
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 7
    at.button(key="compare_step").click().run()
    at.button(key="compare_step").click().run()
    steps = {arch: at.session_state[f"compare_{arch}"].step_count for arch in ("rnn", "gru", "lstm")}
    assert steps == {"rnn": 2, "gru": 2, "lstm": 2}
    assert not at.exception


def test_compare_takes_the_scan_cells_picked_in_the_sidebar():
    scan = [name for name, row in ARCHITECTURES.items() if row.fused is None][:3]
    at = open_page("compare.py", query={"seq_len": "8", "hidden": "4", "batch": "4"})
    at.sidebar.multiselect(key="compare_archs").set_value(scan).run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="compare_step").click().run()
    assert {arch: at.session_state[f"compare_{arch}"].step_count for arch in scan} == {arch: 1 for arch in scan}
    assert not any(f"compare_{arch}" in at.session_state for arch in ("rnn", "gru", "lstm"))   # closed, dropped
    assert len(charts(at)) == 1 + 2 * len(scan) and not at.exception


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_language_page_reads_and_samples(arch):
    at = open_page("language.py", state={"language_run": tiny_char_run(arch)})
    assert not at.exception, [e.value for e in at.exception]
    assert any("span" in m.value for m in at.markdown) and at.dataframe and at.code


def test_language_page_without_a_model_offers_training():
    at = open_page("language.py")
    assert not at.exception and at.button(key="lang_train")


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_interventions_page_before_and_after(arch):
    run = LiveRun(RunConfig(arch=arch, task="adding", seq_len=10, hidden=6, batch=4))
    at = open_page("interventions.py", state={LIVE_RUN: run})
    assert not at.exception, [e.value for e in at.exception]
    assert len(charts(at)) == 4
    at.text_input(key="iv_units").set_value("2, 99").run()
    assert not at.exception and at.error                              # unit 99 does not exist
    at.text_input(key="iv_units").set_value("1-2").run()
    assert not at.exception and not at.error and len(charts(at)) == 4
