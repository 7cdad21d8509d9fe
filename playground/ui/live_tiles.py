"""The live pages' status line, metric tiles and caption, drawn by one mounted component.

Five ``st.metric`` tiles redrawn several times a second were most of a live page's cost: each
redraw sent five elements and Streamlit's React tree rerendered the fragment around them. Here one
``st.components.v2`` component stays mounted; each redraw hands it a few hundred bytes of data
(``playground.figures.tiles.tiles_payload`` and a version) and its script changes the text of the
tiles in place (labels too). It builds the tiles' elements again only when their number, help marks or
widths change (another task). /train, /compare and /talk draw their tiles through it.

The tiles look like Streamlit's metrics and keep their ``data-testid`` names (``stMetric``,
``stMetricLabel``, ``stMetricValue``, ``stMetricDelta``; the status line an alert's), so the app's
presenter CSS enlarges them as it does every metric and a reader's tools find them the same way;
their colours come from the theme's CSS variables. The row is a grid whose tiles share its three rows
(label, value, badge): a label that wraps (a long one at presenter size) lowers every value alike. They are text, in a region that screen readers do not announce on each
change (``aria-live="off"``).
"""
from __future__ import annotations

import itertools

import streamlit as st

from playground.ui.live_chart_js import compact

SENT = "_live_tiles_sent"   # session state: component key -> (data, payload) of the last redraw

_VERSIONS = itertools.count(1)

_HTML = '<div class="live-tiles" aria-live="off"></div>'

_CSS = """
.live-tiles { font-family: var(--st-font); color: var(--st-text-color); }
.live-tiles .tiles-status { border-radius: 0.5rem; padding: 0.75rem 1rem; margin-bottom: 1rem; line-height: 1.6; }
.live-tiles .tiles-status.info { background: var(--st-blue-background-color, rgba(28, 131, 225, 0.1));
  color: var(--st-blue-text-color, var(--st-text-color)); }
.live-tiles .tiles-status.error { background: var(--st-red-background-color, rgba(255, 43, 43, 0.09));
  color: var(--st-red-text-color, var(--st-text-color)); }
.live-tiles .tiles-row { display: grid; grid-template-rows: auto auto auto; column-gap: 1rem; width: 100%; }
.live-tiles [data-testid="stMetric"] { min-width: 0; grid-row: span 3; display: grid; grid-template-rows: subgrid; }
.live-tiles [data-testid="stMetricLabel"] { display: flex; align-items: flex-end; gap: 0.5rem; min-height: 1.5rem;
  font-size: 1rem; line-height: 1.6; }
.live-tiles [data-testid="stMetricLabel"] p { margin: 0; overflow-wrap: anywhere; }
.live-tiles .tile-help { display: inline-flex; align-items: center; justify-content: center; width: 0.9rem;
  height: 0.9rem; border-radius: 50%; border: 1.5px solid currentColor; font-size: 0.6rem; font-weight: 600;
  opacity: 0.6; cursor: help; flex: none; }
.live-tiles .tile-help::after { content: "?"; }
.live-tiles [data-testid="stMetricValue"] { font-size: 2.25rem; line-height: 1.25; padding-bottom: 0.25rem;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.live-tiles [data-testid="stMetricDelta"] { display: inline-flex; align-items: center; gap: 0.2rem;
  justify-self: start; font-size: 1rem; border-radius: 0.5rem; padding: 0 0.4rem; max-width: 100%; }
.live-tiles [data-testid="stMetricDelta"].good { color: var(--st-green-text-color, var(--st-green-color, #158237));
  background: var(--st-green-background-color, rgba(33, 195, 84, 0.1)); }
.live-tiles [data-testid="stMetricDelta"].bad { color: var(--st-red-text-color, var(--st-red-color, #bd4043));
  background: var(--st-red-background-color, rgba(255, 43, 43, 0.09)); }
.live-tiles [data-testid="stMetricDelta"][hidden] { display: none; }
.live-tiles [data-testid="stMetricDelta"] div { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.live-tiles [data-testid="stCaptionContainer"] { font-size: 0.875rem; opacity: 0.6; margin-top: 0.5rem; }
"""

_JS = r"""
const ARROWS = { up: "↑", down: "↓", "": "" };

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// The tiles' elements, built again only when their number, help marks or widths change (a label's
// text, such as a step in it, changes in place).
function build(root, data) {
  root.textContent = "";
  const status = el("div", { class: "tiles-status", role: "status", hidden: "" });
  const columns = data.widths.map((w) => "minmax(0, " + w + "fr)").join(" ");
  const row = el("div", { class: "tiles-row", style: "grid-template-columns: " + columns });
  const parts = data.tiles.map((tile, k) => {
    const box = el("div", { "data-testid": "stMetric" });
    const label = el("label", { "data-testid": "stMetricLabel" });
    const text = el("div");
    const labelText = el("p", {}, tile.label);
    text.appendChild(labelText);
    label.appendChild(text);
    if (tile.help) label.appendChild(el("span", { class: "tile-help", role: "img", title: tile.help, "aria-label": tile.help }));
    const value = el("div", { "data-testid": "stMetricValue" });
    const valueText = el("div", {}, tile.value);
    value.appendChild(valueText);
    const delta = el("div", { "data-testid": "stMetricDelta", hidden: "" });
    const arrow = el("span", { "aria-hidden": "true" });
    const deltaText = el("div");
    delta.append(arrow, deltaText);
    box.append(label, value, delta);
    row.appendChild(box);
    return { labelText, valueText, delta, arrow, deltaText, help: label.querySelector(".tile-help") };
  });
  const caption = el("div", { "data-testid": "stCaptionContainer", hidden: "" });
  root.append(status, row, caption);
  return { status, parts, caption };
}

function set(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function show(state, data) {
  const shape = JSON.stringify([data.tiles.map((t) => !!t.help), data.widths]);
  if (state.shape !== shape) {
    state.shape = shape;
    state.parts = build(state.root, data);
  }
  const { status, parts, caption } = state.parts;
  status.hidden = !data.status;
  if (data.status) {
    status.className = "tiles-status " + data.status[0];
    status.setAttribute("data-testid", data.status[0] === "error" ? "stAlertContentError" : "stAlertContentInfo");
    set(status, data.status[1]);
  }
  data.tiles.forEach((tile, k) => {
    const p = parts[k];
    set(p.labelText, tile.label);
    set(p.valueText, tile.value);
    p.delta.hidden = !tile.delta;
    if (tile.delta) {
      p.delta.className = tile.tone;
      set(p.arrow, ARROWS[tile.arrow] || "");
      set(p.deltaText, tile.delta);
    }
    if (p.help && p.help.title !== tile.help) {
      p.help.title = tile.help;
      p.help.setAttribute("aria-label", tile.help);
    }
  });
  caption.hidden = !data.caption;
  set(caption, data.caption || "");
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".live-tiles");
  if (!root || !data) return undefined;
  const state = root.__liveTiles || (root.__liveTiles = { root, version: null, shape: null });
  if (state.version === data.version) return undefined;
  state.version = data.version;
  const t0 = performance.now();
  show(state, data);
  const costs = (window.__liveTilesCosts = window.__liveTilesCosts || []);
  costs.push([t0, performance.now() - t0]);      // read by tools/ui_bench
  return undefined;
}
"""

_component = st.components.v2.component("rnn_playground.live_tiles", html=_HTML, css=compact(_CSS),
                                        js=compact(_JS), isolate_styles=False)


def live_tiles(key: str, data: dict) -> None:
    """Show ``data`` (``tiles.tiles_payload``) in the tiles component mounted for ``key``; the same data
    again keeps its version, and the browser does nothing."""
    sent_all = st.session_state.setdefault(SENT, {})
    sent = sent_all.get(key)
    if sent is not None and sent[0] == data:
        payload = sent[1]
    else:
        payload = dict(data, version=next(_VERSIONS))
        sent_all[key] = (data, payload)
    _component(key=key, data=payload, width="stretch", height="content")
