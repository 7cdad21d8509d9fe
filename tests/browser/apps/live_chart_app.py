"""A live line for tests/browser/test_live_chart.py: a fragment adds a point every 0.2 s.

It draws through ``live_chart`` (the chart stays mounted), or with ``?plain=1`` through
``st.plotly_chart`` (the old way, which remounts the chart when the figure changes), so the
test can show the difference. ``?stop=N`` stops adding points after N (the fragment keeps
rerunning and sends the same figure again). ``?spacer=1`` puts the chart below a tall empty
block, off screen until scrolled to. The page also shows "points: N",
"runs: K" (fragment runs so far) and "page runs: M" (full runs; the button makes one).
"""
from __future__ import annotations

import math

import plotly.graph_objects as go
import streamlit as st

from playground.ui.live_chart import live_chart

st.set_page_config(page_title="live chart test", layout="wide")
PLAIN = st.query_params.get("plain") == "1"
STOP = int(st.query_params.get("stop", "1000000"))
ALT = "A sine wave that grows by one point every 0.2 seconds."


def figure(n: int) -> go.Figure:
    """The first n points of a sine wave."""
    xs = list(range(n))
    fig = go.Figure(go.Scatter(x=xs, y=[math.sin(x / 5) for x in xs], mode="lines+markers", name="sine"))
    fig.update_layout(title="Live line", xaxis_title="step", yaxis_title="value", height=360,
                      margin=dict(l=60, r=20, t=50, b=50))
    return fig


@st.fragment(run_every=0.2)
def live() -> None:
    """One more point (until ?stop), drawn the way the query parameters ask."""
    st.session_state.runs = st.session_state.get("runs", 0) + 1
    n = st.session_state.get("n", 0)
    if n < STOP:
        n += 1
        st.session_state.n = n
    fig = figure(n)
    if PLAIN:
        st.plotly_chart(fig, key="plain_chart", width="stretch", alt=ALT, config={"displaylogo": False})
    else:
        live_chart(fig, key="live", alt=ALT)
    st.caption(ALT)
    st.markdown(f"points: {n}, runs: {st.session_state.runs}")


st.session_state.page_runs = st.session_state.get("page_runs", 0) + 1
st.title("Live chart")
if st.query_params.get("spacer") == "1":
    st.container(height=3000, border=False)
live()
st.button("Rerun the page")  # a full rerun, as the train page's buttons make
st.caption(f"page runs: {st.session_state.page_runs}")
