"""A live chart whose redraws send points, not figures: the loss curve of a training run.

``live_chart`` sends a whole figure on every redraw; the server builds it (plotly, JSON) and the
browser diffs and redraws all of it. A live loss curve only grows, so ``live_points_chart`` splits
what it sends:

- the spec (traces without points, layout), built once per chart and sent on a full page run,
  when it changes (log scale, presenter mode) or when the browser asks for it;
- on every redraw, only each trace's new points (``LossPoints.tail``), with the points' epoch.

The server remembers, per chart in the session, the trace lengths it sent on the last two
redraws, and each redraw starts one point before the older of the two: the trace's last point
may have changed (the thinned curve's newest row, the latest validation value), and a browser that
drew only every other update still has every point before that. The browser keeps the points,
replaces each trace from ``start`` on, and asks for everything again (a trigger, ``resync``) when
what it holds cannot be extended (a new epoch that starts past zero, a gap).

Drawing in the browser: the axis ranges are held (set from the points with room to grow, moved
only when a point falls outside), so a redraw needs no relayout; points are then drawn with
``Plotly.animate`` without a redraw of the axes, legend, title and baseline, which costs a fraction
of ``Plotly.react``. The reader's zoom and pan survive (``uirevision``), and so does the hover.
Off-screen charts keep the points they are sent and draw once in view, as ``live_chart``'s do.
"""
from __future__ import annotations

import itertools
from typing import Callable

import streamlit as st

from playground.figures.loss_series import LossPoints, redraw_payload
from playground.ui.frame import current_presenter, presenter_figure
from playground.ui.live_chart import PLOTLY_CONFIG, figure_payload, plotly_js_url
from playground.ui.live_chart_js import SHARED_JS, compact

# A double click always asks for the whole curve (autorange), never for the range the chart was first
# drawn with: plotly's default 'reset' reports a range, which would read as the reader zooming.
POINTS_CONFIG = dict(PLOTLY_CONFIG, doubleClick="autosize")

_VERSIONS = itertools.count(1)   # every redraw's own number, across charts and sessions (never reused)
SENT = "_live_points_sent"   # session state: chart key -> what was sent to it (``loss_series.redraw_payload``)

_JS = SHARED_JS + r"""
// Room to grow: the held range reaches this far past the points, so new points rarely move it.
const GROW = 0.5, PAD = 0.05;

function extent(values, log) {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    const w = log ? Math.log10(v) : v;
    if (w < lo) lo = w;
    if (w > hi) hi = w;
  }
  return lo <= hi ? [lo, hi] : null;
}

// The axis ranges the points need ([x, y] of the main axes), null for an axis with no points.
function needed(state) {
  const spec = state.spec, pts = state.points, layout = spec.layout || {};
  const log = (layout.yaxis || {}).type === "log";
  const xs = [], ys = [];
  spec.data.forEach((trace, k) => {
    if (!pts.x[k]) return;
    xs.push(...pts.x[k]);
    if (!trace.yaxis || trace.yaxis === "y") ys.push(...pts.y[k]);
  });
  const baseline = (layout.shapes || []).filter((s) => s.yref === "y").map((s) => s.y0);
  return [extent(xs, false), extent(ys.concat(baseline), log)];
}

function fits(held, need) {
  return !need || (held && need[0] >= held[0] && need[1] <= held[1]);
}

// New held ranges with room: x grows to the right (steps), y both ways (a loss falls, a metric may rise).
function hold(need, grow) {
  if (!need) return null;
  const span = Math.max(need[1] - need[0], Math.abs(need[1]) * 1e-3, 1e-9);
  return grow === "x" ? [need[0], need[1] + span * GROW] : [need[0] - span * (PAD + GROW / 2), need[1] + span * PAD];
}

function traces(state) {
  const pts = state.points;
  return state.spec.data.map((t, k) => Object.assign({}, t, { x: pts.x[k] || [], y: pts.y[k] || [] }));
}

function react(state) {
  const layout = themedLayout(state, state.payload, state.spec.layout);
  for (const [axis, range] of [["xaxis", state.held[0]], ["yaxis", state.held[1]]]) {
    if (range) layout[axis] = Object.assign({}, layout[axis] || {}, { range, autorange: false });
  }
  layout.uirevision = String(layout.uirevision) + ":" + state.views;   // a new view drops the reader's zoom
  window.Plotly.react(state.div, traces(state), layout, state.payload.config);
  if (!state.listening && state.div.on) {
    state.listening = true;
    // A double click (autoscale) asks for the whole curve: back to the held ranges, which follow it.
    state.div.on("plotly_relayout", (event) => {
      if (!event) return;
      if (Object.keys(event).some((k) => /^[xy]axis\.range/.test(k))) state.zoomed = true;   // the reader zoomed
      if (!(event["xaxis.autorange"] || event["yaxis.autorange"])) return;
      state.zoomed = false;
      state.views += 1;
      state.held = [null, null];
      state.drawnSpec = null;
      draw(state);
    });
  }
}

// A full redraw when the spec, theme or held ranges change; otherwise only the points move.
function draw(state) {
  const need = needed(state);
  // While the reader has zoomed, the held ranges stay as sent: plotly keeps the reader's zoom over a
  // layout value only while that value does not change.
  if (!state.zoomed && (!fits(state.held[0], need[0]) || !fits(state.held[1], need[1]))) {
    state.held = [fits(state.held[0], need[0]) ? state.held[0] : hold(need[0], "x"),
                  fits(state.held[1], need[1]) ? state.held[1] : hold(need[1], "y")];
    state.drawnSpec = null;
  }
  const specKey = state.specRev + "|" + state.theme.key;
  if (state.drawnSpec !== specKey || !state.div._fullLayout) {
    state.drawnSpec = specKey;
    react(state);
    return;
  }
  const update = { data: state.spec.data.map((t, k) => ({ x: state.points.x[k] || [], y: state.points.y[k] || [] })),
                   traces: state.spec.data.map((t, k) => k) };
  window.Plotly.animate(state.div, update, { transition: { duration: 0 }, frame: { duration: 0, redraw: false },
                                             mode: "immediate" }).catch(() => react(state));
}

function update(state) {
  if (!state.spec || !state.points || !window.Plotly || !state.div.isConnected) return;
  if (state.drawn !== null && !state.visible) {
    state.pending = true;
    return;
  }
  state.pending = false;
  state.theme = streamlitTheme(state.div);
  const drawn = state.specRev + "|" + state.version + "|" + state.theme.key;
  if (drawn === state.drawn) return;
  state.drawn = drawn;
  const t0 = performance.now();
  draw(state);
  const costs = (window.__liveChartCosts = window.__liveChartCosts || {});
  (costs[state.key] = costs[state.key] || []).push(performance.now() - t0);   // read by tools/ui_bench
}

// Take a payload's points: each trace from ``start`` on. False when they cannot extend what is held.
function take(state, series) {
  const held = state.points;
  const fresh = series.start.every((s) => s === 0);
  if (!held || held.epoch !== series.epoch) {
    if (!fresh) return false;
    state.points = { epoch: series.epoch, x: series.x.map((a) => a.slice()), y: series.y.map((a) => a.slice()) };
    return true;
  }
  if (series.start.some((s, k) => s > (held.x[k] || []).length)) return false;
  series.start.forEach((s, k) => {
    held.x[k] = (held.x[k] || []).slice(0, s).concat(series.x[k]);
    held.y[k] = (held.y[k] || []).slice(0, s).concat(series.y[k]);
  });
  return true;
}

export default function (component) {
  const { data, parentElement } = component;
  const div = parentElement.querySelector(".live-chart");
  if (!div || !data) return undefined;
  const state = div.__liveChart
    || Object.assign(mount(div), { spec: null, points: null, held: [null, null], views: 0 });
  const known = state.version === data.version && state.specRev === data.spec_rev;   // a theme change: redraw only
  state.payload = data;
  state.key = data.key;
  div.style.height = data.height + "px";
  div.setAttribute("aria-label", data.alt || "");
  if (!known) {
    if (data.spec) {
      state.spec = data.spec;
      state.specRev = data.spec_rev;
    }
    const ok = state.spec && state.specRev === data.spec_rev && take(state, data.series);
    if (!ok) {
      if (!state.asked) component.setTriggerValue("resync", true);   // once, until a full payload comes
      state.asked = true;
      return state.cleanup;
    }
    if (data.series.start.every((s) => s === 0)) state.asked = false;
    state.version = data.version;
  }
  loadPlotly(data.plotly_js).then(() => {
    if (state.payload === data) update(state);
  }).catch((err) => console.error(err));
  return state.cleanup;
}
"""


_component = st.components.v2.component("rnn_playground.live_points_chart",
                                        html='<div class="live-chart" role="figure"></div>',
                                        css=".live-chart { width: 100%; }", js=compact(_JS), isolate_styles=False)


def _forget(key: str) -> None:
    """The browser asked for everything again: the next redraw sends the spec and every point."""
    st.session_state.get(SENT, {}).pop(key, None)


def _full_run() -> bool:
    """True in a full page run (the chart may be new in the browser), False in a fragment's rerun."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx is None or not ctx.fragment_ids_this_run


def live_points_chart(key: str, spec: Callable[[], object], spec_key, points: LossPoints, *, alt: str = "",
                      height: int | None = None) -> None:
    """Show ``points`` in a chart that stays mounted for ``key`` and receives only new points.

    ``spec()`` builds the figure without points (traces in the order of ``points``); it is called only
    when ``spec_key`` (hashable: whatever the spec depends on) changes, and sent only on a full page
    run, when it changed, or when the browser asks. ``alt`` as in ``live_chart``.
    """
    spec_key = (spec_key, current_presenter())
    sent_all = st.session_state.setdefault(SENT, {})
    sent = sent_all.get(key)
    full = _full_run()
    if not full and sent is not None and sent["points"] is points and sent["spec_key"] == spec_key:
        payload = sent["payload"]                  # nothing new: the same payload, which the browser skips
    else:
        payload, record = redraw_payload(sent, spec_key, points, full)
        if record["spec"] is None or sent is None or sent["spec_key"] != spec_key:
            record["spec"] = figure_payload(presenter_figure(spec()), height=height)
        fig = record["spec"]
        payload.update(version=next(_VERSIONS), key=key, alt=alt, height=fig["height"], theme=fig["theme"],
                       uirevision=fig["uirevision"], config=POINTS_CONFIG, spec_rev=fig["rev"],
                       plotly_js=plotly_js_url())
        if full or sent is None or sent["spec_key"] != spec_key or not any(payload["series"]["start"]):
            payload["spec"] = fig["figure"]
        sent_all[key] = dict(record, points=points, payload=payload)
    _component(key=key, data=payload, width="stretch", height="content", on_resync_change=lambda: _forget(key))
