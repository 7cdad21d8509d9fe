"""Inside the cell: one tiny RNN / GRU / LSTM stepped through a short sequence, with the real numbers."""
import streamlit as st

from playground.ui.cell_view import (backward_panel, cell_settings_ui, compute, diagram_panel, explain,
                                     forward_panel, mode_ui, timestep_ui)
from playground.ui.text import page_text

st.title("Inside the cell")
st.markdown(page_text("cell_intro"))
settings = cell_settings_ui()
if settings is None:
    st.stop()
trace, grads = compute(*settings)
mode = mode_ui()
t = timestep_ui(trace.T)
diagram_panel(trace, grads, t, mode)
if mode == "forward":
    forward_panel(trace, t)
    explain("cell_forward")
else:
    backward_panel(trace, grads, t)
    explain("cell_backward")
