"""plotly.js fetched as a page starts: the live charts find it loaded, or on its way, when they mount.

Why: the live charts (``playground.ui.live_chart``, ``live_points_chart``) load ``plotly.min.js``
(4.8 MB) when the first of them mounts, which on the Train page is only once its run is built
and its elements arrived, seconds after the page opened. A hidden component in the sidebar,
which every page draws first, starts the same load (``live_chart_js.LOAD_PLOTLY_JS``: once per
page, the browser's stored copy when it has one) as the page starts; the charts wait on it.
"""
from __future__ import annotations

import streamlit as st

from playground.ui.live_chart import plotly_js_url
from playground.ui.live_chart_js import LOAD_PLOTLY_JS, compact

PRELOAD_KEY = "plotly_preload"           # its container (hidden: it draws nothing)
PRELOAD_CSS = f"<style>.st-key-{PRELOAD_KEY} {{ display: none; }}</style>"

_PRELOAD_JS = LOAD_PLOTLY_JS + r"""
export default function ({ data }) {
  if (data) loadPlotly(data.url).catch((err) => console.warn(err));
  return undefined;
}
"""

_preload_component = st.components.v2.component("rnn_playground.plotly_preload", html="<span></span>",
                                                 js=compact(_PRELOAD_JS))


def preload_plotly() -> None:
    """Start loading plotly.js in the browser now (a hidden element; once per page, stored across visits)."""
    with st.container(key=PRELOAD_KEY):
        _preload_component(key=f"{PRELOAD_KEY}_js", data={"url": plotly_js_url()})
