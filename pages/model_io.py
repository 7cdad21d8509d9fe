"""Save & load: export the session's run (history, probe, weights, figures, a link) or load weights."""

import streamlit as st

from playground.ui.model_panels import export_ui, import_ui
from playground.ui.text import page_text
from playground.ui.keys import LIVE_RUN
from playground.ui.page_files import page_file


st.title("Save & load")
st.markdown(page_text("model_io"))

st.header("Export this run", divider="gray")
run = st.session_state.get(LIVE_RUN)
if run is None:
    st.info("No run in this session yet: train one on the Train page, or load weights below.",
            icon=":material/info:")
    st.page_link(page_file("train"), label="Go to the Train page", icon=":material/play_arrow:")
else:
    export_ui(run)

st.header("Load weights", divider="gray")
st.markdown("Load a weights file saved here (by you or a colleague): it becomes this session's run, "
            "and every page inspects it. The file is read as tensors only — it cannot run code.")
import_ui()
