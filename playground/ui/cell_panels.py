"""Widgets and panels of the "Inside the cell" page (Streamlit glue over playground.cell_*).

``cell_settings_ui`` draws the sidebar and returns plain values; ``timestep_ui`` and
``mode_ui`` return the step and the direction; the other ``*_ui`` functions draw the
unrolled diagram and the equations with the numbers ``cell_trace`` / ``cell_backward``
computed. Bad input becomes an ``st.error`` line, never an exception.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from models.architectures import architecture
from playground.lessons.cell_backward import CellGrads, backward_trace
from playground.lessons.cell_latex import backward_equations, forward_equations, loss_equation, weight_gradient_parts
from playground.lessons.cell_trace import PRESETS, CellSpec, CellTrace, forward_trace, parse_sequence, parse_targets
from playground.lessons.scan_step import ScanSpec
from playground.errors import PlaygroundError
from playground.figures.style import ARCH_LABELS
from playground.figures.unrolled import describe_unrolled, make_unrolled_figure
from playground.page_state import CELL as F
from playground.ui.frame import presenter_figure
from playground.ui.text import page_text
from playground.ui.url_state import page_settings_ui
from playground.ui.widgets import field_widget

STEP_KEY = "cell_t"
WEIGHT_LABELS = {"W_hh": "W_hh (recurrent)", "W_ih": "W_ih (input)", "b_hh": "b_hh", "b_ih": "b_ih",
                 "W_hy": "W_hy (readout)", "b_y": "b_y"}


def _apply_preset() -> None:
    text = PRESETS[st.session_state["cell_preset"]]
    st.session_state["cell_seq"] = text
    st.session_state["cell_input"] = 2 if ";" in text else 1


def cell_settings_ui() -> tuple[CellSpec | ScanSpec, np.ndarray, np.ndarray | None, bool] | None:
    """The sidebar: architecture, sizes, seed, sequence and target. None (after an error line) if invalid.
    A ``ScanSpec`` for a cell without W_hh (``playground.ui.scan_panels`` draws it), a ``CellSpec`` otherwise.

    Every setting of the page (these, the timestep, the direction and the weight shown) is in
    its link: ``page_state.CELL`` is their one table.
    """
    for note in page_settings_ui("cell", F):
        st.warning(note, icon=":material/link_off:")
    with st.sidebar:
        st.subheader("The tiny network")
        arch = field_widget(F["cell_arch"], format_func=ARCH_LABELS.get)
        activation = "tanh"
        if architecture(arch).takes_activation:
            activation = field_widget(F["cell_act"])
        hidden, input_size, seed = (field_widget(F[name]) for name in ("cell_hidden", "cell_input", "cell_seed"))
        st.subheader("The sequence")
        st.selectbox("Presets", list(PRESETS), index=None, placeholder="pick an example…", key="cell_preset",
                     on_change=_apply_preset)
        text, target_text, last_only = (field_widget(F[name]) for name in ("cell_seq", "cell_target", "cell_last"))
    try:
        spec = (CellSpec(arch, int(hidden), int(input_size), activation, int(seed))
                if architecture(arch).has_recurrent_matrix else ScanSpec(arch, int(hidden), int(input_size), int(seed)))
        x = parse_sequence(text, spec.input_size)
        d = parse_targets(target_text, len(x)) if target_text.strip() else None
    except PlaygroundError as err:
        st.error(f"{err}.", icon=":material/error:")
        return None
    return spec, x, d, last_only


def compute(spec: CellSpec, x: np.ndarray, d: np.ndarray | None, last_only: bool) -> tuple[CellTrace, CellGrads]:
    """Forward trace and hand BPTT of the tiny network (a few milliseconds)."""
    trace = forward_trace(spec, x, d, last_only)
    return trace, backward_trace(trace)


def _shift(delta: int, T: int) -> None:
    st.session_state[STEP_KEY] = int(np.clip(st.session_state.get(STEP_KEY, 1) + delta, 1, T))


def timestep_ui(T: int) -> int:
    """Prev / Next buttons and a slider over t = 1..T; returns t as a 0-based index."""
    current = st.session_state.get(STEP_KEY, 1)
    st.session_state[STEP_KEY] = min(max(current if isinstance(current, int) else 1, 1), T)   # T may have shrunk
    prev, slider, nxt = st.columns([2, 7, 2], vertical_alignment="bottom")
    prev.button("◀ Prev", key="cell_prev", on_click=_shift, args=(-1, T), disabled=st.session_state[STEP_KEY] <= 1,
                width="stretch")
    nxt.button("Next ▶", key="cell_next", on_click=_shift, args=(1, T), disabled=st.session_state[STEP_KEY] >= T,
               width="stretch")
    if T > 1:
        field_widget(F[STEP_KEY], slider, options=list(range(1, T + 1)))
    else:
        slider.caption("Timestep t = 1 (the sequence has one step)")
    return st.session_state[STEP_KEY] - 1


def mode_ui() -> str:
    """Forward (values) or backward (gradients)."""
    return field_widget(F["cell_mode"], label_visibility="collapsed",
                        format_func={"forward": "Forward: values", "backward": "Backward: gradients"}.get)


def diagram_ui(trace: CellTrace, grads: CellGrads, t: int, mode: str) -> None:
    """The unrolled network with step t highlighted (gradient-coloured arrows in backward mode)."""
    steps, gsteps = trace.steps, grads.steps
    has_cell = architecture(trace.spec.arch).has_cell_state
    fig = make_unrolled_figure(
        trace.x, np.array([s["h"] for s in steps]), trace.y, trace.d, t, mode,
        c=np.array([s["c"] for s in steps]) if has_cell else None,
        grad_h=np.array([g["dh"] for g in gsteps]), grad_c=np.array([g["dc"] for g in gsteps]) if has_cell else None,
        grad_y=np.array([g["dy"][0] for g in gsteps]),
        grad_direct=np.array([np.linalg.norm(g["dh_direct"]) for g in gsteps]),
        grad_next=np.array([np.linalg.norm(g["dh_next"]) for g in gsteps]), scored=trace.scored)
    alt = describe_unrolled(trace.T, t, mode, grads.dh_norms())
    st.plotly_chart(presenter_figure(fig), key="cell_unrolled", width="stretch", alt=alt,
                    config={"displaylogo": False})
    st.caption(alt if mode == "backward" else alt + " Hover a box for more digits.")


def _latex_list(items: list[tuple[str, str]]) -> None:
    for caption, latex in items:
        st.markdown(f"**{caption}**")
        st.latex(latex)


def forward_ui(trace: CellTrace, t: int) -> None:
    """The cell's equations at step t with the numbers substituted, then the loss."""
    st.subheader(f"Step t = {t + 1}: the cell's equations with the real numbers")
    if architecture(trace.spec.arch).reset_gate:
        st.info(page_text("cell_gru_note"), icon=":material/info:")
    _latex_list(forward_equations(trace, t))
    st.latex(loss_equation(trace))


def backward_ui(trace: CellTrace, grads: CellGrads, t: int) -> None:
    """dL/dy_t, dL/dh_t and its split (dL/dc_t for the LSTM), gate gradients, and dL/dW accumulated so far."""
    st.subheader(f"Step t = {t + 1}: where the gradient comes from")
    _latex_list(backward_equations(trace, grads, t))
    st.subheader("Weight gradients accumulated so far (BPTT runs from T down to t)")
    name = field_widget(F["cell_weight"], format_func=WEIGHT_LABELS.get)
    step, total = weight_gradient_parts(trace, grads, t, name)
    left, right = st.columns(2)
    left.markdown(f"**This step's contribution (step {t + 1})**")
    left.latex(step)
    right.markdown(f"**Accumulated from step {trace.T} down to {t + 1}**")
    right.latex(total)
    st.caption("Stacked weights show their gate blocks in PyTorch's order "
               f"({', '.join(architecture(trace.spec.arch).blocks)}), "
               "separated by rules. At t = 1 the sum is the full gradient autograd would give.")

