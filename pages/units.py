"""Find the unit: mark a pattern, rank the trained model's units by how well they follow it, silence one."""

import streamlit as st

from models.networks import network_shape
from playground.links import CHAR_MODEL
from playground.ui.text import page_text
from playground.ui.widgets import explain
from playground.ui.unit_search_panels import pattern_ui, ranking_ui, search, silence_ui, unit_data_ui
from playground.ui.keys import LIVE_RUN
from playground.ui.page_files import page_file


st.title("Find the unit")
st.markdown(page_text("units_intro"))
run = st.session_state.get(LIVE_RUN)
if run is None or run.snapshot is None:
    st.info("There is no trained model in this session yet. Train one on the Train page — the character "
            "model finds the most — then come back.", icon=":material/info:")
    st.page_link(page_file(CHAR_MODEL.page), label="Open the Train page", icon=":material/play_arrow:",
                 query_params=CHAR_MODEL.query())
    st.stop()
shape = network_shape(run.config.network)
if not shape.takes_cell:
    st.info(f"No unit to find: {shape.no_cell}.", icon=":material/info:")
    st.stop()
st.caption(f"Model: {run.config.arch.upper()}, H = {run.config.hidden}, {run.task.title}, weights of step "
           f"{run.step_count:,}; the last recurrent layer's units are searched.")
found = search(run, pattern_ui(run))
if found is None:
    st.stop()
unit = ranking_ui(found)
unit_data_ui(found, unit)
silence_ui(run, found, unit)
explain("units_reading")
