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


def test_a_self_attention_run_shows_its_causal_map_and_says_what_does_not_apply():
    at = open_page("train", {"network": "self-attention", "arch": "lstm", "task": "copy", "seq_len": "8", "lag": "3",
                             "hidden": "8"}, direct=True)
    at.button(key="live_run_step").click().run()
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    run = at.session_state[LIVE_RUN]
    snap = run.snapshot
    assert run.config.network == "self-attention" and snap.layer_labels == ["attention"] and snap.gates == {}
    assert snap.attention.shape[1:] == (8, 8)
    headings = [h.value for h in at.subheader]
    assert "Attention" in headings and "No gates" in headings and "Eigenvalues of the recurrence" not in headings
    assert "States: the attention layer's output" in headings and "Hidden states" not in headings
    assert has_heatmap_titled(at, "Causal attention, sequence 0")
    assert has_heatmap_titled(at, "Output u_t of probe sequence 0") and has_heatmap_titled(at, "‖dL/dz_t‖")
    assert has_heatmap_titled(at, "Trajectories (PCA of u_t)")
    assert any("no recurrent cell" in i.value for i in at.info)
    assert any("the cell setting does not apply" in m.value for m in at.markdown)


def test_the_one_unit_view_of_a_self_attention_run_is_a_one_line_note():
    from playground.config import RunConfig
    from playground.engine.live import LiveRun
    run = LiveRun(RunConfig(network="self-attention", task="copy", seq_len=8, lag=3, hidden=8, batch=4))
    run.step_to(1)
    at = open_page("cell", {"source": "model", "layer": "0", "t": "4", "unit": "2"}, {LIVE_RUN: run})
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert any(i.value.startswith("No unit to step") and "no recurrent cell" in i.value for i in at.info)


def test_compare_with_a_network_without_cells_says_there_is_nothing_to_compare():
    at = open_page("compare", {"network": "self-attention", "task": "copy", "seq_len": "8", "lag": "3"})
    assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
    assert any(i.value.startswith("Nothing to compare") and "no recurrent cell" in i.value for i in at.info)


def test_interventions_and_find_the_unit_say_in_one_line_they_do_not_apply_to_self_attention():
    from playground.config import RunConfig
    from playground.engine.live import LiveRun
    run = LiveRun(RunConfig(network="self-attention", task="copy", seq_len=8, lag=3, hidden=8, batch=4))
    run.step_to(1)
    for page, opening in (("interventions", "No intervention applies"), ("units", "No unit to find")):
        at = open_page(page, {}, {LIVE_RUN: run})
        assert not at.exception and not at.error, [e.value for e in (*at.exception, *at.error)]
        assert any(i.value.startswith(opening) and "no recurrent cell" in i.value for i in at.info), page
