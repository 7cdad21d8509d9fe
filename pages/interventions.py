"""Interventions: clamp a gate, silence units or scale W_hh of the session's trained model, and compare."""

import pandas as pd
import streamlit as st

from models.architectures import architecture
from models.networks import network_shape
from playground.engine.run_summary import shown, shown_delta
from playground.errors import PlaygroundError
from playground.figures.interventions import example_rows, make_before_after_figure
from playground.figures.states import make_unit_heatmap
from playground.figures.style import ARCH_LABELS
from playground.lessons.interventions import (clampable, compare_intervention, describe_intervention, make_intervention,
                                      parse_units)
from playground.config import RunConfig
from playground.page_state import INTERVENTIONS
from playground.ui.teaching_session import train_here_ui
from playground.ui.text import page_text
from playground.ui.widgets import chart, explain, field_widget
from playground.ui.url_state import page_settings_ui
from playground.ui.keys import LIVE_RUN
from playground.ui.page_files import page_file

CLAMP_CHOICES = [None, 0.0, 0.5, 1.0]

F = INTERVENTIONS                     # the shareable settings' limits and defaults, typed once
for note in page_settings_ui("interventions", F):
    st.warning(note, icon=":material/link_off:")
st.title("Interventions: edit a trained model")
st.markdown(page_text("interventions_intro"))
run = st.session_state.get(LIVE_RUN)
if run is None:
    st.info("There is no trained model in this session yet. Train one on the Train page (any task), "
            "then come back — or train the default LSTM on the adding problem here.", icon=":material/info:")
    st.page_link(page_file("train"), label="Open the Train page", icon=":material/play_arrow:")
    seconds = field_widget(F["iv_seconds"])
    if st.button("Train an LSTM on the adding problem here", icon=":material/model_training:", key="iv_train"):
        if train_here_ui(RunConfig(), seconds, LIVE_RUN) is not None:
            st.rerun()                                   # a refusal's line stays on the page
    st.stop()

shape = network_shape(run.config.network)
if not shape.takes_cell:
    st.info(f"No intervention applies: {shape.no_cell}.", icon=":material/info:")
    st.stop()
arch, task = run.config.arch, run.task
st.markdown(f"Model: your run from the Train page — **{ARCH_LABELS[arch]}**, H = {run.config.hidden}, "
            f"{task.title}, step {run.step_count:,}." + (" Training is running: the numbers are of the "
                                                         "latest weights." if run.running else ""))
c = st.columns([2, 2, 2])
clamp = {}
with c[0]:
    st.markdown("**Clamp a gate**")
    if not clampable(arch):
        st.caption(f"The {ARCH_LABELS[arch]} has no gate to clamp here: silence units"
                   + (" or scale W_hh instead." if architecture(arch).has_recurrent_matrix else " instead."))
    for gate, meaning in clampable(arch).items():
        value = st.selectbox(meaning, CLAMP_CHOICES, key=f"iv_clamp_{arch}_{gate}",
                             format_func=lambda v: "not clamped" if v is None else f"clamp to {v:g}")
        if value is not None:
            clamp[gate] = value
with c[1]:
    st.markdown("**Silence hidden units**")
    units_text = field_widget(F["iv_units"], label_values={"last": run.config.hidden - 1})
with c[2]:
    st.markdown("**Scale the recurrent matrix**")
    if architecture(arch).has_recurrent_matrix:
        scale = field_widget(F["iv_scale"])
    else:
        scale = 1.0
        st.caption(f"The {ARCH_LABELS[arch]} has no recurrent matrix W_hh to scale.")
try:
    units = parse_units(units_text, run.config.hidden)
    intervention = make_intervention(arch, clamp, units, scale)
except PlaygroundError as err:
    st.error(f"Cannot apply this intervention: {err}.", icon=":material/error:")
    st.stop()
with run.lock:
    result = compare_intervention(run.net, task, run.probe_batch, intervention, run.step_count)
before, after = result.before, result.after

st.subheader(f"Edit: {describe_intervention(intervention)}")
m = st.columns(4)
m[0].metric("Loss as trained", shown(before.loss))
m[1].metric("Loss with the edit", shown(after.loss), delta=shown_delta(result.loss_change), delta_color="inverse")
m[2].metric(f"{task.metric_name} as trained", shown(before.metric))
m[3].metric(f"{task.metric_name} with the edit", shown(after.metric), delta=shown_delta(result.metric_change),
            delta_color="normal" if task.higher_is_better else "inverse")
st.caption(f"On the probe batch of {before.inputs.shape[0]} sequences; baseline {task.metric_name} "
           f"{task.baseline():.4g} ({task.baseline_name()}).")

st.subheader("Prediction on probe sequence 0")
if before.example.get("kind") == "series":
    chart(make_before_after_figure(before.example, after.example), "iv_pred",
          "Target (black), prediction as trained (blue) and with the intervention (vermillion) on probe "
          f"sequence 0: {describe_intervention(intervention)}.")
elif before.example.get("kind") in ("sequence", "label", "text"):
    st.dataframe(pd.Series(example_rows(before.example, after.example), name="probe sequence 0"), width="stretch")
else:
    st.info("This task has no example view.")

st.subheader("Hidden state h_t of probe sequence 0")
h0, h1 = before.hidden[-1][:, 0], after.hidden[-1][:, 0]
top = float(max(abs(h0).max(), abs(h1).max())) or 1.0
diff = result.hidden_change(0)
cols = st.columns(3)
for col, values, title, key in ((cols[0], h0, "as trained", "iv_h0"), (cols[1], h1, "with the edit", "iv_h1"),
                                (cols[2], diff, "change (edit − trained)", "iv_dh")):
    with col:
        span = top if key != "iv_dh" else (float(abs(diff).max()) or 1.0)
        chart(make_unit_heatmap(values, "h", title=title, zrange=(-span, span), height=320), key,
              f"Hidden units × {values.shape[0]} timesteps, {title}: values from {values.min():.2f} to "
              f"{values.max():.2f}.")
explain("interventions_reading")
