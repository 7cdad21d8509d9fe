"""Inside the cell: a tiny network of any cell stepped through a short sequence, or one unit of your trained model."""
import streamlit as st

from models.architectures import architecture

from playground.ui.cell_panels import (backward_ui, cell_settings_ui, compute, diagram_ui, forward_ui,
                                     mode_ui, timestep_ui)
from playground.ui.widgets import explain
from playground.ui.text import page_text
from playground.ui.unit_panels import drop_unit_url, source_ui, unit_ui, unit_picker_ui
from playground.ui.keys import LIVE_RUN
from playground.ui.scan_panels import tiny_scan_ui

st.title("Inside the cell")
if source_ui() == "model":
    run = st.session_state.get(LIVE_RUN)
    if run is None or run.snapshot is None:
        st.info("There is no trained model in this session yet: train one on the Train page, then come back "
                "(or click a cell of a heatmap there).", icon=":material/info:")
        st.stop()
    unit_ui(run, unit_picker_ui(run))
    explain("cell_unit")
    st.stop()
drop_unit_url()
st.markdown(page_text("cell_intro"))
settings = cell_settings_ui()
if settings is None:
    st.stop()
if not architecture(settings[0].arch).has_recurrent_matrix:      # a scan cell: its step, forward only
    tiny_scan_ui(*settings[:2])
    st.stop()
trace, grads = compute(*settings)
mode = mode_ui()
t = timestep_ui(trace.T)
diagram_ui(trace, grads, t, mode)
if mode == "forward":
    forward_ui(trace, t)
    explain("cell_forward")
else:
    backward_ui(trace, grads, t)
    explain("cell_backward")
