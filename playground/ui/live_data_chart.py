"""A live chart that receives data, not figures: the insides of a run (states, gates, gradients, predictions).

``live_chart`` sends a whole plotly figure on every redraw, which the server builds and validates
with plotly and encodes as JSON for each session. ``live_data_chart`` sends a view's payload
(``live_payload.ViewPayload``):

- built once per published snapshot and view, from the figure functions' plain dicts, and kept in a
  small cache shared by every session that reads the same snapshot (``view_payload``);
- a redraw sends the view's arrays (typed arrays) and only the layout keys that changed since
  the last redraw of that chart (a title's step, say); the trace styles go in a full page run,
  when they change, or when the browser asks for them again (a trigger, ``resync``).

A fragment's rerun can make the browser mount a chart anew (the elements around it changed) while
the server believes the chart has its styles. The browser therefore keeps each chart key's last
styles and layout in a page-wide store (``window.__liveChartStore``) and a new mount starts from
them, so it draws in its first update with no round trip; ``resync`` is left for a browser that
lacks them (a reloaded tab). Sending the styles with every redraw instead would close the same gap
but put them back on the hot path, which this module exists to keep small.

In the browser the chart keeps the styles and layout it was given, puts each redraw's arrays into
them and calls ``Plotly.react`` on the same ``<div>``: the reader's zoom and the hover survive
(``uirevision``), a heatmap's click is reported as ``live_chart``'s is, and a chart off screen
draws once, then waits until it scrolls into view (the shared ``mount``).
"""
from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Callable, Hashable

import streamlit as st

from playground.figures.live_payload import ViewPayload, layout_changes, split_parts
from playground.presenter import scale_parts
from playground.ui.frame import current_presenter
from playground.ui.live_chart import DEFAULT_HEIGHT, PLOTLY_CONFIG, UIREVISION, plotly_js_url
from playground.ui.live_chart_js import SHARED_JS, compact

CACHE_SIZE = 128           # views kept (about 8 per run and snapshot: a few runs' latest snapshots)
SENT = "_live_data_sent"   # session state: chart key -> what its last redraw sent

_VERSIONS = itertools.count(1)          # every redraw's own number (never reused)
_CACHE: OrderedDict[tuple, tuple[object, ViewPayload]] = OrderedDict()
_CACHE_LOCK = threading.Lock()

_JS = SHARED_JS + r"""
// A trace: its style with the arrays put in by path ("marker.color").
function traces(state) {
  return state.styles.map((style, k) => {
    const trace = Object.assign({}, style);
    for (const [path, value] of Object.entries(state.arrays[k] || {})) {
      const keys = path.split(".");
      let target = trace;
      for (const key of keys.slice(0, -1)) target = target[key] = Object.assign({}, target[key] || {});
      target[keys[keys.length - 1]] = value;
    }
    return trace;
  });
}

function draw(state) {
  const payload = state.payload;
  window.Plotly.react(state.div, traces(state), themedLayout(state, payload, state.layout), payload.config);
  if (payload.clickable && !state.clicks && state.div.on) {
    state.clicks = true;   // one listener per mounted chart; it reports through the latest trigger
    state.div.on("plotly_click", (event) => {
      const p = event && event.points && event.points[0];
      if (p && state.trigger) state.trigger("click", { x: p.x, y: p.y, curve: p.curveNumber });
    });
  }
}

function update(state) {
  if (!state.styles || !window.Plotly || !state.div.isConnected) return;
  if (state.drawn !== null && !state.visible) {
    state.pending = true;
    return;
  }
  state.pending = false;
  const theme = streamlitTheme(state.div);
  // the same template object while the theme stays: plotly.js then compares nothing new in it
  if (!state.theme || state.theme.key !== theme.key) state.theme = theme;
  const drawn = state.version + "|" + state.theme.key;
  if (drawn === state.drawn) return;
  state.drawn = drawn;
  const t0 = performance.now();
  draw(state);
  const costs = (window.__liveChartCosts = window.__liveChartCosts || {});
  (costs[state.key] = costs[state.key] || []).push(performance.now() - t0);   // read by tools/ui_bench
}

// The last styles and layout each chart key was drawn with, page-wide: a chart the browser mounts
// anew (a fragment's rerun that changed the elements around it) starts from them at once; the
// server, which sent them to the chart before, sends only what changed. ``resync`` is the fallback.
const STORE = (window.__liveChartStore = window.__liveChartStore || new Map());

// Take a payload: styles when sent, the layout's changed keys (null: gone), the arrays.
// False when it cannot be drawn on what is held (styles or layout it does not have).
function take(state, data) {
  if (data.styles) {
    state.styles = data.styles;
    state.styleRev = data.style_rev;
  } else if (!state.styles) {
    const kept = STORE.get(data.key);
    if (kept && kept.styleRev === data.style_rev) Object.assign(state, kept);
  }
  if (state.styleRev !== data.style_rev || (!data.whole_layout && !state.layout)) return false;
  const layout = data.whole_layout ? {} : Object.assign({}, state.layout);
  for (const [k, v] of Object.entries(data.layout)) {
    if (v === null) delete layout[k];
    else layout[k] = v;
  }
  state.layout = layout;
  state.arrays = data.arrays;
  STORE.set(data.key, { styles: state.styles, styleRev: state.styleRev, layout });
  return true;
}

export default function (component) {
  const { data, parentElement } = component;
  const div = parentElement.querySelector(".live-chart");
  if (!div || !data) return undefined;
  const state = div.__liveChart || Object.assign(mount(div), { styles: null, layout: null, version: null });
  state.payload = data;
  state.key = data.key;
  state.trigger = component.setTriggerValue;
  div.style.height = data.height + "px";
  div.setAttribute("aria-label", data.alt || "");
  if (state.version !== data.version) {
    if (!take(state, data)) {
      if (!state.asked) component.setTriggerValue("resync", true);   // once, until a whole payload comes
      state.asked = true;
      return state.cleanup;
    }
    if (data.styles && data.whole_layout) state.asked = false;
    state.version = data.version;
  }
  loadPlotly(data.plotly_js).then(() => {
    if (state.payload === data) update(state);
  }).catch((err) => console.error(err));
  return state.cleanup;
}
"""

_component = st.components.v2.component("rnn_playground.live_data_chart",
                                        html='<div class="live-chart" role="figure"></div>',
                                        css=".live-chart { width: 100%; }", js=compact(_JS), isolate_styles=False)


def view_payload(name: str, owner: object, version: Hashable,
                 parts: Callable[[], tuple[list[dict], dict]]) -> ViewPayload:
    """The payload of view ``name`` for ``owner`` (the snapshot it is drawn from) at ``version``, in this
    session's presenter mode: built by ``parts()`` (a figure's trace and layout dicts) the first time it
    is asked for, then shared by every session that asks for the same one."""
    presenter = current_presenter()
    key = (name, id(owner), version, presenter)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is owner:          # an id is reused only after its object is gone
            _CACHE.move_to_end(key)
            return hit[1]
    data, layout = parts()
    if presenter.active:
        data, layout = scale_parts(data, layout, presenter.font_scale, max_height=presenter.max_chart_height)
    payload = split_parts(data, layout)
    with _CACHE_LOCK:
        _CACHE[key] = (owner, payload)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return payload


def _forget(key: str) -> None:
    """The browser asked for everything again: the next redraw sends styles and the whole layout."""
    st.session_state.get(SENT, {}).pop(key, None)


def _full_run() -> bool:
    """True in a full page run (the chart may be new in the browser), False in a fragment's rerun."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx is None or not ctx.fragment_ids_this_run


def live_data_chart(key: str, view: ViewPayload, *, alt: str = "", on_click=None) -> None:
    """Show ``view`` in a chart that stays mounted for ``key`` and receives arrays and layout changes.

    ``alt`` is the chart's text alternative (its ``aria-label``; show it as a caption yourself).
    ``on_click`` as in ``live_chart``: ``st.session_state[key]["click"]`` holds ``x``, ``y``, ``curve``.
    """
    sent_all = st.session_state.setdefault(SENT, {})
    sent = sent_all.get(key)
    clickable = on_click is not None
    if sent is not None and sent["view"] is view and sent["alt"] == alt and not _full_run():
        payload = sent["payload"]                # nothing new: the same payload, which the browser skips
    else:
        whole = sent is None or _full_run()
        payload = {"version": next(_VERSIONS), "key": key, "alt": alt, "style_rev": view.style_rev,
                   "arrays": view.arrays, "layout": layout_changes(None if whole else sent["layout"], view.layout),
                   "whole_layout": whole, "height": int(view.layout.get("height") or DEFAULT_HEIGHT),
                   "theme": "streamlit", "uirevision": view.layout.get("uirevision", UIREVISION),
                   "config": PLOTLY_CONFIG, "plotly_js": plotly_js_url(), "clickable": clickable}
        if whole or sent["style_rev"] != view.style_rev:
            payload["styles"] = view.styles
        sent_all[key] = {"view": view, "alt": alt, "layout": view.layout, "style_rev": view.style_rev,
                         "payload": payload}
    callbacks = {"on_click_change": on_click} if clickable else {}
    _component(key=key, data=payload, width="stretch", height="content",
               on_resync_change=lambda: _forget(key), **callbacks)
