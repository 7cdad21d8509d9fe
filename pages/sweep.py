"""Sweep page: a grid of runs on Ray, its progress, the memory chart and the table of trials."""
import streamlit as st

from playground.ui.sweep_session import (autostart, progress_ui, results_ui, session_sweep, start_session_sweep,
                                         sweep_form_ui)
from playground.ui.text import page_text

POLL_SECONDS = 1.0

st.title("Sweep: a grid of runs, side by side")
st.markdown(page_text("sweep"))
autostart()                      # before the form, which folds away while a sweep runs
submitted = sweep_form_ui()
if submitted is not None:
    start_session_sweep(*submitted)

run = session_sweep().run
RUNNING = run is not None and not run.progress().finished


@st.fragment(run_every=POLL_SECONDS if RUNNING else None)
def sweep_fragment():
    """Progress and results as the sweep's thread collected them; a full rerun once it ends."""
    if run is None:
        st.caption("Set the grid and press Start: the trials run on Ray, not in this page.")
        return
    progress_ui(run)
    results_ui(run)
    if RUNNING and run.progress().finished:
        st.rerun()


sweep_fragment()
