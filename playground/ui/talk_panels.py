"""What a talk step shows: one drawing function per view of ``playground.lessons.deck.VIEWS``.

``VIEW_PANELS`` maps each view name to a function ``(run, step, key) -> None``; the live
views redraw the train page's panels (through ``live_chart``, so charts stay mounted while
the run trains), ``interventions`` replays the probe batch with the step's edit, and
``cell``/``topologies`` need no model. Deck text is shown as text: every markdown, HTML
and LaTeX character of it is escaped.
"""
from __future__ import annotations

import streamlit as st

from playground.lessons.cell_trace import parse_sequence, tiny_spec
from playground.lessons.scan_step import ScanSpec
from playground.markup import markdown_text
from playground.lessons.deck import Step
from playground.errors import PlaygroundError
from playground.figures.interventions import example_rows, make_before_after_figure
from playground.figures.topology import describe_topology, make_topology_svg
from playground.gallery import TOPOLOGIES
from playground.lessons.interventions import compare_intervention, describe_intervention, make_intervention
from playground.ui.presses import control_key, run_state_keys, start_pause_control
from playground.ui.talk_keys import BUTTON_KEYS, RUN_CONTROL
from playground.ui.cell_panels import backward_ui, compute, diagram_ui, forward_ui
from playground.ui.scan_panels import scan_step_at_ui
from playground.ui.live_tiles import live_tiles
from playground.figures.tiles import edit_tiles, even, talk_tiles, tiles_payload
from playground.ui.train_panels import (eigenvalue_ui, gates_ui, gradient_history_ui, gradient_now_ui, loss_ui,
                                        predictions_ui, run_points, states_ui)
from playground.ui.widgets import chart


def plain(text: str) -> str:
    """Deck text as markdown that shows exactly these characters (line breaks kept)."""
    return "  \n".join(markdown_text(line) for line in text.splitlines())


def loss_step_ui(run, step: Step, key: str) -> None:
    """Validation metric against the baseline, the training loss, and the loss curve (the step
    counter is in the model's caption above: three tiles fit the view's column)."""
    points, summary = run_points(run, key)
    tiles = talk_tiles(summary, run.task.baseline_name())
    live_tiles(f"{key}_tiles", tiles_payload(tiles, widths=even(tiles)))
    loss_ui(run, points, summary, key)


def gradients_step_ui(run, step: Step, key: str) -> None:
    """‖dL/dh_t‖ now, and over the whole run."""
    snap, records = run.snapshot, run.records
    left, right = st.columns(2)
    with left:
        gradient_now_ui(snap, key)
    with right:
        gradient_history_ui(records, key)


def gates_step_ui(run, step: Step, key: str) -> None:
    """Every gate of probe sequence 0, and gate saturation."""
    gates_ui(run.snapshot, key)


def states_step_ui(run, step: Step, key: str) -> None:
    """Hidden-state trajectories and the units × time heatmap."""
    states_ui(run.snapshot, key)


def predictions_step_ui(run, step: Step, key: str) -> None:
    """The model's output on probe sequence 0 (text and a sample for a char model)."""
    predictions_ui(run, run.snapshot, key)


def eigenvalues_step_ui(run, step: Step, key: str) -> None:
    """The last layer's eigenvalues λ in the complex plane, with the unit circle (a diagonal recurrence)."""
    if not eigenvalue_ui(run.snapshot, key):
        st.info("This model's recurrence has no fixed diagonal whose eigenvalues could be drawn.",
                icon=":material/info:")


def interventions_step_ui(run, step: Step, key: str) -> None:
    """Loss as trained and with the step's clamp/ablation, and the prediction both ways."""
    try:
        iv = make_intervention(run.config.arch, dict(step.clamp), step.ablate)
    except PlaygroundError as err:
        st.error(f"Cannot apply this step's edit: {err}.", icon=":material/error:")
        return
    with run.lock:
        result = compare_intervention(run.net, run.task, run.probe_batch, iv, run.step_count)
    before, after = result.before, result.after
    tiles = edit_tiles(before.loss, after.loss, result.loss_change, run.task.metric_name, run.task.baseline(),
                       run.task.baseline_name())
    live_tiles(f"{key}_iv_tiles", tiles_payload(tiles, widths=even(tiles)))
    st.caption(f"Edit: {describe_intervention(iv)} · model at step {run.step_count:,} · "
               f"probe batch of {before.inputs.shape[0]} sequences.")
    if before.example.get("kind") == "series":
        chart(make_before_after_figure(before.example, after.example), f"{key}_iv_pred",
              f"Target, prediction as trained and with the edit ({describe_intervention(iv)}) on probe sequence 0.")
    elif before.example.get("kind") in ("sequence", "label", "text"):
        st.dataframe({"probe sequence 0": example_rows(before.example, after.example)}, width="stretch")


def cell_step_ui(run, step: Step, key: str) -> None:
    """The tiny cell of the step, unrolled, with its equations and numbers at a chosen timestep."""
    cell = step.cell
    x = parse_sequence(cell.sequence)
    # one slider per cell, so each cell step starts at its own t (a shared key keeps the last step's)
    t = st.select_slider("Timestep t", options=list(range(1, len(x) + 1)), value=min(cell.t, len(x)),
                         key=f"{key}_cell_t_{hash(cell) & 0xFFFFFFFF:x}") - 1
    spec = tiny_spec(cell.arch, cell.hidden, cell.mode)
    if isinstance(spec, ScanSpec):                      # a scan cell: its step's quantities, every unit
        scan_step_at_ui(spec, x, t)
        return
    trace, grads = compute(spec, x, None, False)
    diagram_ui(trace, grads, t, cell.mode)
    (forward_ui(trace, t) if cell.mode == "forward" else backward_ui(trace, grads, t))


def topologies_step_ui(run, step: Step, key: str) -> None:
    """The five topologies, drawn as x/h/y boxes over time."""
    cols = st.columns(len(TOPOLOGIES))
    for k, (col, topology) in enumerate(zip(cols, TOPOLOGIES)):
        with col.container(border=True, height="stretch", key=f"talk_topology_{k}"):
            st.markdown(f"**{topology.name}**")
            st.image(make_topology_svg(topology), alt=describe_topology(topology))
            st.caption(f"{topology.explanation} Example: {topology.example}.")


VIEW_PANELS = {
    "loss": loss_step_ui,
    "gradients": gradients_step_ui,
    "gates": gates_step_ui,
    "states": states_step_ui,
    "predictions": predictions_step_ui,
    "eigenvalues": eigenvalues_step_ui,
    "interventions": interventions_step_ui,
    "cell": cell_step_ui,
    "topologies": topologies_step_ui,
}


def progress_ui(index: int, count: int, deck_title: str) -> None:
    """'Step 3 of 8 · Why LSTMs' and a progress bar."""
    st.progress((index + 1) / count, text=f"Step {index + 1} of {count} · {markdown_text(deck_title)}")


def _nothing(*_):
    return None


def nav_ui(index: int, count: int, run, go_to, set_running) -> None:
    """Previous / Start-Pause / Next; ``talk_keys`` presses them from the keyboard and a clicker."""
    cols = st.columns(3, gap="small")
    cols[0].button("Previous", icon=":material/arrow_back:", key=BUTTON_KEYS["previous"], width="stretch",
                   disabled=index == 0, on_click=go_to, args=(index - 1,), help="Previous step (← or PageUp)")
    if run is not None:           # Start and Pause each ask for their state (playground.ui.presses)
        start_pause_control(cols[1], run.running, RUN_CONTROL, lambda wanted: set_running(run, wanted),
                            hint="Start or pause training (P key)")
    else:
        with cols[1].container(key=control_key(RUN_CONTROL)):
            st.button("Start", icon=":material/play_arrow:", key=run_state_keys(RUN_CONTROL)[True], width="stretch",
                      disabled=True, on_click=_nothing, help="This step shows no live model")
    cols[2].button("Next", icon=":material/arrow_forward:", key=BUTTON_KEYS["next"], width="stretch",
                   disabled=index >= count - 1, on_click=go_to, args=(index + 1,), help="Next step (→ or PageDown)")


def model_caption(run) -> None:
    """One line on the step's live model: cell, task, sizes and its training step now."""
    st.caption(f"Model: {run.config.arch.upper()} · {run.task.title} · T = {run.config.seq_len} · "
               f"H = {run.config.hidden} · step {run.step_count:,}" + (" · training" if run.running else ""))


def notes_ui(step: Step) -> None:
    """The step's title (the page's h1) and notes, as plain text."""
    st.title(markdown_text(step.title), anchor=False)
    if step.notes:
        st.markdown(plain(step.notes))

