"""A live data chart for tests/browser/test_live_chart.py: a fragment sends new arrays every 0.3 s.

The chart is drawn through ``live_data_chart`` (styles and layout once, arrays with each redraw).
With ``?remount=1`` each fragment run puts the chart in the other of two columns, so the browser
mounts it anew in a fragment's rerun, when the server believes it already has its styles. The
page shows "runs: K" (fragment runs so far).
"""
from __future__ import annotations

import numpy as np
import streamlit as st

from playground.figures.live_payload import split_parts
from playground.ui.live_data_chart import live_data_chart

st.set_page_config(page_title="live data chart test", layout="wide")
REMOUNT = st.query_params.get("remount") == "1"


@st.fragment(run_every=0.3)
def live() -> None:
    """New arrays (the same styles), in the column the run's number picks when remounting."""
    runs = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    xs = np.arange(20.0)
    data = [{"type": "scatter", "mode": "lines+markers", "name": "wave", "x": xs, "y": np.sin(xs / 3 + runs)}]
    layout = {"title": {"text": f"Wave at run {runs}"}, "height": 300, "margin": {"l": 50, "r": 20, "t": 50, "b": 40}}
    place = st.columns(2)[runs % 2] if REMOUNT else st.container()
    with place:
        live_data_chart("wave", split_parts(data, layout), alt="A wave that moves with every run.")
    st.markdown(f"runs: {runs}")


st.title("Live data chart")
live()
