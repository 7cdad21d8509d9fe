"""The train page with each network shape: a bidirectional run shows both directions, an encoder–decoder
with attention its live attention heatmap, and a refused combination a one-line message."""
import json

from page_runner import drawn_figures, open_page
from playground.ui.keys import LIVE_RUN


def trace_names(at) -> set[str]:
    return {trace.get("name", "") for figure in drawn_figures(at) for trace in figure.get("data", [])}


def has_heatmap_titled(at, words: str) -> bool:
    return any(words in json.dumps(figure.get("layout", {}).get("title", ""), ensure_ascii=False) for figure in drawn_figures(at))


def test_a_bidirectional_run_shows_both_directions():
    at = open_page("train", {"network": "bidirectional", "arch": "gru", "task": "lookahead", "seq_len": "8",
                             "lag": "2", "hidden": "4"}, direct=True)
    run = at.session_state[LIVE_RUN]
    assert run.config.network == "bidirectional" and run.snapshot.layer_labels == ["layer 1 →", "layer 1 ←"]
    names = trace_names(at)
    assert {"‖dL/dh_t‖ layer 1 →", "‖dL/dh_t‖ layer 1 ←"} <= names
    assert has_heatmap_titled(at, "[→h_t ; ←h_t]")
    assert not has_heatmap_titled(at, "Attention of probe")


def test_an_encoder_decoder_with_attention_shows_its_heatmap():
    at = open_page("train", {"network": "seq2seq-additive", "arch": "gru", "task": "reverse", "seq_len": "5",
                             "hidden": "4"}, direct=True)
    assert at.session_state[LIVE_RUN].snapshot.attention is not None
    assert "Attention" in [h.value for h in at.subheader]
    assert has_heatmap_titled(at, "Attention of probe sequence 0")


def test_a_plain_encoder_decoder_has_no_attention_panel():
    at = open_page("train", {"network": "seq2seq", "arch": "lstm", "task": "sort", "seq_len": "4", "hidden": "4"},
                   direct=True)
    assert "Attention" not in [h.value for h in at.subheader]


def test_a_refused_combination_says_why_in_one_line_and_the_run_survives():
    at = open_page("train", {"arch": "gru", "task": "sine", "seq_len": "8", "hidden": "4"}, direct=True)
    at.button(key="live_run_step").click().run()
    run = at.session_state[LIVE_RUN]
    assert run.step_count == 1
    at.selectbox(key="cfg_network").set_value("bidirectional").run()
    assert not at.exception
    errors = [e.value for e in at.sidebar.error]
    assert any("would read the answer" in e and "\n" not in e for e in errors), errors
    assert at.session_state[LIVE_RUN] is run and run.step_count == 1 and run.config.network == "one-way"


def test_a_link_with_a_refused_combination_falls_back_to_one_way_with_a_note():
    at = open_page("train", {"network": "bidirectional", "task": "sine", "seq_len": "8", "hidden": "4"}, direct=True)
    run = at.session_state[LIVE_RUN]
    assert (run.config.task, run.config.network) == ("sine", "one-way")
    assert any("Ignored URL parameter network" in w.value and "would read the answer" in w.value for w in at.warning)
