"""A Plotly chart that stays mounted across reruns and is redrawn in place.

Why this exists: ``st.plotly_chart`` gives its element a new identity whenever the figure
changes, so on every live update the browser unmounts the old chart and mounts a new one:
a new plot node each time, a frame or more in which the box can be empty (the live charts
flicker), and the reader's zoom, pan and hover are lost. ``live_chart`` mounts one
``st.components.v2`` component per key instead. Its identity is the key alone, so reruns
and fragment reruns only hand the mounted component new ``data``; its JavaScript then
calls ``Plotly.react`` on the same ``<div>``, which redraws only what changed.

How plotly.js reaches the browser: not through the websocket. Streamlit sends a v2
component's script along with every element it sends, so the chart's script is kept to a
few kilobytes and loads ``plotly.min.js``, the copy the installed ``plotly`` package ships
(no network, no build step), with a ``<script>`` tag, once per page. Streamlit serves that
file over HTTP because its folder is declared with ``st.components.v1.declare_component``
(the documented way to serve a component's files; that component is never rendered), at
``<baseUrlPath>/component/playground.ui.live_chart.plotly_js/plotly.min.js`` with
``Cache-Control: public`` (but no lifetime: the charts ask for the browser's stored copy, under an
address that names plotly's version, and the app frame starts the fetch as a page starts). A redraw sends the figure's traces and layout, and the
chart's script.

Theme: figures made while Streamlit runs carry plotly's "streamlit" template, a set of
placeholder colours that ``st.plotly_chart`` swaps for the app theme in the browser. That
template is not sent; the chart builds its stand-in from the theme's CSS variables
(``--st-text-color``, ``--st-chart-categorical-colors``, ...) that Streamlit gives v2
components: the same fonts, colours and transparent background as ``st.plotly_chart``,
and it follows a theme switch. A figure with any other template is drawn with it.

Width follows the container (``responsive`` plus a ``ResizeObserver``); the reader's zoom
survives updates (``layout.uirevision``); a figure sent twice is not redrawn. A chart that is
off screen (an ``IntersectionObserver``, with a margin) is drawn once, then its updates wait:
it draws the latest one as it scrolls into view. A reader watching the loss curve does not pay
for redrawing the insides below the fold, nor one watching the insides for the loss curve.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import plotly
import plotly.io as pio
import streamlit as st

from playground.ui.live_chart_js import SHARED_JS, compact

DEFAULT_HEIGHT = 450  # plotly.js's own default when the figure names none
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
UIREVISION = "live-chart"  # any constant: Plotly.react keeps the reader's zoom while it stays the same

_PLOTLY_JS_DIR = Path(plotly.__file__).parent / "package_data"
_PLOTLY_JS_FILE = "plotly.min.js"
_PLOTLY_JS_NAME = "plotly_js"  # served as component "playground.ui.live_chart.plotly_js"


def _streamlit_template() -> dict | None:
    """Plotly's "streamlit" template as JSON (Streamlit registers it on import), if there."""
    if "streamlit" not in pio.templates:
        return None
    return json.loads(json.dumps(pio.templates["streamlit"].to_plotly_json(), cls=plotly.utils.PlotlyJSONEncoder))


_STREAMLIT_TEMPLATE = _streamlit_template()

_CHART_HTML = '<div class="live-chart" role="figure"></div>'

_CHART_CSS = ".live-chart { width: 100%; }"

# Runs on mount and again whenever ``data`` (or the app theme) changes: the component stays
# mounted, and its state lives on the chart's <div>, so a later call only redraws.
_CHART_JS = SHARED_JS + r"""
function draw(state) {
  const payload = state.payload;
  const figure = payload.figure || {};
  window.Plotly.react(state.div, figure.data || [], themedLayout(state, payload, figure.layout), payload.config);
  if (payload.clickable && !state.clicks && state.div.on) {
    state.clicks = true;   // one listener per mounted chart; it reports through the latest trigger
    state.div.on("plotly_click", (event) => {
      const p = event && event.points && event.points[0];
      if (p && state.trigger) state.trigger("click", { x: p.x, y: p.y, curve: p.curveNumber });
    });
  }
}

// Draws the latest payload unless it is drawn already (same figure, same theme); a chart that is
// off screen (and has been drawn once) waits, and catches up as it scrolls into view.
function update(state) {
  const data = state.payload;
  if (!data || !window.Plotly || !state.div.isConnected) return;
  if (state.drawn !== null && !state.visible) {
    state.pending = true;
    return;
  }
  state.pending = false;
  state.theme = streamlitTheme(state.div);
  const drawn = data.rev + "|" + (data.theme === "streamlit" ? state.theme.key : "");
  if (drawn === state.drawn) return;  // the same figure in the same theme costs nothing
  state.drawn = drawn;
  draw(state);
}

export default function (component) {
  const { data, parentElement } = component;
  const div = parentElement.querySelector(".live-chart");
  if (!div || !data) return undefined;
  const state = div.__liveChart || mount(div);
  state.payload = data;
  state.trigger = component.setTriggerValue;
  div.style.height = data.height + "px";  // holds the chart's place while plotly.js loads
  div.setAttribute("aria-label", data.alt || "");
  loadPlotly(data.plotly_js).then(() => {
    if (state.payload === data) update(state);  // else a newer call draws
  }).catch((err) => console.error(err));
  return state.cleanup;
}
"""


_chart_component = st.components.v2.component(
    "rnn_playground.live_chart", html=_CHART_HTML, css=_CHART_CSS, js=compact(_CHART_JS), isolate_styles=False)


def plotly_js_url() -> str:
    """Where this server serves the plotly package's ``plotly.min.js`` (site-relative URL), with
    plotly's version in the query: the browser keeps the file it fetched for as long as the version
    is the same (``live_chart_js.LOAD_PLOTLY_JS``).

    Declares (registers with the running server) the v1 component whose folder is the
    plotly package's ``package_data``; Streamlit serves a declared component's files at
    ``<baseUrlPath>/component/<module>.<name>/<file>``. Declaring again is a no-op.
    """
    from streamlit import config
    from streamlit.components.v1 import declare_component

    served = declare_component(_PLOTLY_JS_NAME, path=str(_PLOTLY_JS_DIR))
    version = f"?v={plotly.__version__}"
    if served.url:  # a server that serves components from elsewhere
        return f"{served.url.rstrip('/')}/{_PLOTLY_JS_FILE}{version}"
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return "/" + "/".join(part for part in (base, "component", served.name, _PLOTLY_JS_FILE) if part) + version


def figure_payload(fig: Any, *, height: int | None = None, alt: str = "") -> dict:
    """What the browser gets for ``fig``: its JSON, height, config, alt text, theme and a revision.

    Plotly's "streamlit" template is left out (``theme: "streamlit"``: the browser builds
    it from the app theme); any other template travels with the figure. ``rev`` is a
    digest of the payload: the browser skips one whose ``rev`` it has drawn in the same
    theme. ``uirevision`` is the figure's own, else a constant, so zoom survives updates.
    """
    if isinstance(fig, dict):
        import plotly.graph_objects as go

        fig = go.Figure(fig)
    figure = json.loads(fig.to_json())  # plotly's encoder: numpy arrays, dates, typed arrays
    layout = figure.setdefault("layout", {})
    theme = None
    if _STREAMLIT_TEMPLATE is not None and layout.get("template") == _STREAMLIT_TEMPLATE:
        del layout["template"]
        theme = "streamlit"
    if height is None:
        height = layout.get("height") or DEFAULT_HEIGHT
    payload = {"figure": figure, "height": int(height), "alt": alt, "config": PLOTLY_CONFIG,
               "uirevision": layout.get("uirevision", UIREVISION), "theme": theme}
    payload["rev"] = hashlib.blake2b(json.dumps(payload, sort_keys=True).encode(), digest_size=12).hexdigest()
    return payload


def live_chart(fig: Any, key: str, *, height: int | None = None, alt: str = "", on_click=None) -> None:
    """Show ``fig`` (a plotly Figure or its dict) in a chart that stays mounted for ``key``.

    Call it with the same ``key`` on every rerun (fragment reruns included) and the chart
    in the browser is updated in place with ``Plotly.react``: no remount, no blank frame,
    and the reader's zoom and pan survive (``layout.uirevision`` is set to a constant
    unless the figure sets one). ``height`` in pixels defaults to the figure's own, else
    450; the width follows the container. ``alt`` is the chart's text alternative, given
    to screen readers as the chart's ``aria-label``; show it as a caption yourself.
    The same figure sent again is not redrawn. ``on_click``, if given, is called (as a widget
    callback) when the reader clicks a point; ``st.session_state[key]["click"]`` then holds
    its ``x``, ``y`` and ``curve`` (the trace's index).
    """
    payload = figure_payload(fig, height=height, alt=alt)
    payload["plotly_js"] = plotly_js_url()
    payload["clickable"] = on_click is not None
    callbacks = {"on_click_change": on_click} if on_click is not None else {}
    _chart_component(key=key, data=payload, width="stretch", height="content", **callbacks)
