"""The "Inside the cell" page on the session's trained model: pick a unit, see its equations and gradients.

``source_ui`` chooses between the page's tiny network and the session's model; ``unit_picker_ui``
draws the probe sequence / layer / timestep / unit pickers (taken once from the URL, so
``/cell?source=model&t=12&unit=5`` opens that unit, and written back to it); ``unit_ui``
draws the unit's forward equations, its strongest recurrent inputs and its backward terms,
computed by ``playground.lessons.unit_trace`` on the model's latest weights. ``jump_to_unit`` is
the train page's heatmap click: it opens this view on the clicked unit and timestep.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from models.architectures import architecture
from models.networks import network_shape
from playground.markup import markdown_text
from playground.errors import PlaygroundError
from playground.figures.style import ARCH_LABELS
from playground.lessons.unit_latex import backward_equations, forward_equations
from playground.lessons.unit_trace import UnitRef, parse_unit_query, unit_step
from playground.links import SOURCE_PARAM, UNIT_PARAMS, unit_link
from playground.ui.page_files import page_file
from playground.ui.scan_panels import model_scan_ui

SOURCES = {"tiny": "A tiny network (every number)", "model": "Your trained model (one unit)"}
KEYS = dict(zip(UNIT_PARAMS, ("unit_seq", "unit_layer", "unit_t", "unit_k")))   # URL name -> widget key
URL_SEEN = "_unit_url"
JUMP_KEY = "unit_jump"


def _url_params() -> dict:
    return {name: st.query_params.get(name) for name in (SOURCE_PARAM, *KEYS) if name in st.query_params}


def source_ui() -> str:
    """Tiny network or the session's model; a link with ``source=model`` picks the model.

    A link's values this view cannot use (an unknown ``source``; a unit's values while the tiny
    network is shown) get a note, as every page's bad URL values do.
    """
    params = _url_params()
    news = params != st.session_state.get(URL_SEEN)
    if params.get(SOURCE_PARAM) in SOURCES and news:
        st.session_state["cell_source"] = params[SOURCE_PARAM]
    st.session_state.setdefault("cell_source", "tiny")
    choice = st.segmented_control("Network", list(SOURCES), format_func=SOURCES.get, key="cell_source",
                                  required=True, label_visibility="collapsed") or "tiny"
    if news:
        for note in source_notes(params, choice):
            st.warning(note, icon=":material/link_off:")
    return choice


def source_notes(params: dict, choice: str) -> list[str]:
    """Notes on the link's ``source`` and unit values that the view ``choice`` does not use."""
    notes = []
    if SOURCE_PARAM in params and params[SOURCE_PARAM] not in SOURCES:
        notes.append(f"Ignored URL parameter {SOURCE_PARAM}: choose {' or '.join(SOURCES)}.")
    unused = [name for name in KEYS if name in params]
    if choice == "tiny" and unused:
        notes.append(f"Ignored URL parameter{'s' if len(unused) > 1 else ''} {', '.join(unused)}: "
                     "they pick a unit of your trained model (source=model).")
    return notes


def _limits(run) -> UnitRef:
    snap = run.snapshot
    return UnitRef(seq=snap.hidden.shape[2], layer=snap.hidden.shape[0], t=snap.hidden.shape[1],
                   unit=snap.hidden.shape[3])


def unit_picker_ui(run) -> UnitRef:
    """Sequence, layer, timestep (1-based on screen) and unit pickers; returns a 0-based UnitRef."""
    limits = _limits(run)
    params = _url_params()
    if params != st.session_state.get(URL_SEEN):
        ref, notes = parse_unit_query(params, limits)
        for note in notes:
            st.warning(note, icon=":material/link_off:")
        for name, key in KEYS.items():
            st.session_state[key] = getattr(ref, name) + (1 if name == "t" else 0)
    for name, key in KEYS.items():                     # the model may have shrunk since
        high = getattr(limits, name) - (0 if name == "t" else 1)
        st.session_state[key] = min(max(int(st.session_state.get(key, 1 if name == "t" else 0)),
                                        1 if name == "t" else 0), high)
    cols = st.columns([1, 1, 1, 3])
    seq = cols[0].number_input("Probe sequence", 0, limits.seq - 1, key=KEYS["seq"], step=1)
    layer = cols[1].number_input("Layer", 0, limits.layer - 1, key=KEYS["layer"], step=1,
                                 disabled=limits.layer == 1)
    unit = cols[2].number_input("Unit k", 0, limits.unit - 1, key=KEYS["unit"], step=1)
    t = cols[3].slider("Timestep t", 1, limits.t, key=KEYS["t"]) if limits.t > 1 else 1
    ref = UnitRef(int(seq), int(layer), int(t) - 1, int(unit))
    query = unit_link(ref.seq, ref.layer, ref.t + 1, ref.unit)
    for key, value in query.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    st.session_state[URL_SEEN] = query
    return ref


def drop_unit_url() -> None:
    """Remove the model-unit parameters from the URL (the tiny network is shown)."""
    for key in (SOURCE_PARAM, *KEYS):
        if key in st.query_params:
            del st.query_params[key]
    st.session_state[URL_SEEN] = {}


def input_caption(run, ref: UnitRef) -> str:
    """What the model read at step t of the probe sequence, in words."""
    x = run.probe_batch.x[ref.seq]
    task = run.task
    if hasattr(task, "decode") and not x.is_floating_point():
        text = task.decode(x)
        lo, hi = max(0, ref.t - 20), min(len(text), ref.t + 10)
        shown = [markdown_text(repr(part)) for part in (text[lo:ref.t], text[ref.t], text[ref.t + 1:hi])]
        return (f"Probe sequence {ref.seq} reads {shown[0]} then **{shown[1]}** at t = {ref.t + 1} "
                f"(followed by {shown[2]}).")
    values = ", ".join(f"{v:.3g}" for v in x[ref.t].reshape(-1).tolist()[:6])
    return f"Probe sequence {ref.seq} at t = {ref.t + 1}: input x_t = ({values})."


def unit_ui(run, ref: UnitRef) -> None:
    """The unit's equations, strongest inputs and gradients with the model's numbers (a scan cell's step
    quantities where the row has no W_hh: ``playground.ui.scan_panels``); a one-line note for a network
    without a recurrent cell (its row's ``no_cell``)."""
    shape = network_shape(run.config.network)
    if not shape.takes_cell:
        st.info(f"No unit to step: {shape.no_cell}.", icon=":material/info:")
        return
    if not architecture(run.config.arch).has_recurrent_matrix:
        model_scan_ui(run, ref, input_caption(run, ref))
        return
    try:
        with run.lock:
            u = unit_step(run.net, run.task, run.probe_batch, ref)
    except PlaygroundError as err:
        st.error(f"Cannot show this unit: {err}.", icon=":material/error:")
        return
    cfg = run.config
    st.markdown(f"**{ARCH_LABELS[cfg.arch]}**, H = {cfg.hidden}, {cfg.layers} layer(s), {run.task.title}, "
                f"weights of training step {run.step_count:,}. " + input_caption(run, ref))
    st.subheader(f"Unit {ref.unit} of layer {ref.layer} at t = {ref.t + 1}: forward")
    for caption, latex in forward_equations(u):
        st.markdown(f"**{caption}**")
        st.latex(latex)
    st.caption(f"Computed here from the unit's rows of W_ih and W_hh (every entry, float64); the model's "
               f"own replay gives h = {u.model['h']:.6f} (largest difference {u.max_disagreement():.1e}).")
    st.subheader("Backward: what the loss asks of it")
    for caption, latex in backward_equations(u):
        st.markdown(f"**{caption}**")
        st.latex(latex)
    st.caption("Gradients of the loss on the whole probe batch (the loss training minimises), "
               "by autograd through the same replay.")
    st.subheader("Its strongest recurrent inputs at this step")
    rows = [{"gate": gate, "from unit j": j, "W_h[k, j]": w, "h_(t-1)[j]": h, "product": p}
            for gate in u.gates for (j, w, h, p) in u.top_recurrent(gate, 3)]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height="content")


def jump_to_unit() -> None:
    """Open the cell view on the unit a heatmap click chose (``JUMP_KEY``), if any."""
    jump = st.session_state.pop(JUMP_KEY, None)
    if jump:
        st.switch_page(page_file("cell"), query_params=unit_link(0, jump["layer"], jump["t"], jump["unit"]))


def unit_click(run):
    """``heatmap_click`` where the one-unit view can show the run's unit (every row's cell: W_hh rows by their
    rows of the weights, scan cells by their step's quantities; in a network shape the view replays), else None."""
    return heatmap_click if network_shape(run.config.network).unit_view else None


def heatmap_click(chart_key: str, layer: int):
    """A callback for a units × time heatmap's click: remember the unit and timestep to open."""
    def on_click() -> None:
        click = (st.session_state.get(chart_key) or {}).get("click") or {}
        try:
            t, unit = int(click["x"]), int(click["y"])
        except (KeyError, TypeError, ValueError):
            return
        st.session_state[JUMP_KEY] = {"t": t, "unit": unit, "layer": layer}
    return on_click
