"""The JavaScript every live chart shares (``live_chart``, ``live_points_chart``): loading plotly.js once
per page (and once per browser), the app's theme as a plotly template, the themed layout, and mounting a chart's <div>.

Each chart's own script is this text followed by its ``draw`` and ``update`` functions and its
``export default``; ``mount`` calls that ``update`` when an off-screen chart scrolls into view.
"""
from __future__ import annotations

# Loading plotly.js once per page, and once per browser: ``url`` is versioned (``plotly_js_url``), so
# the copy the browser stored is taken whatever its age ("force-cache"; Streamlit serves the file with
# neither a lifetime nor a validator, and a plain <script> would fetch its 4.8 MB on every visit).
# The first caller starts the load (the app frame's preload, ``playground.ui.plotly_preload``, as a
# page starts); every chart waits on the same promise. A failed fetch falls back to a plain <script>.
LOAD_PLOTLY_JS = r"""
function addPlotlyScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => { script.remove(); reject(new Error("live_chart: could not load " + src)); };
    document.head.appendChild(script);
  });
}

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve();
  if (!window.__liveChartPlotly) {
    window.__liveChartPlotly = fetch(url, { cache: "force-cache" })
      .then((response) => {
        if (!response.ok) throw new Error("live_chart: " + response.status + " for " + url);
        return response.blob();
      })
      .then((body) => {
        const src = URL.createObjectURL(new Blob([body], { type: "text/javascript" }));
        return addPlotlyScript(src).finally(() => URL.revokeObjectURL(src));
      })
      .catch(() => (window.Plotly ? undefined : addPlotlyScript(url)))
      .catch((err) => {
        window.__liveChartPlotly = null;  // the next redraw tries again
        throw err;
      });
  }
  return window.__liveChartPlotly;
}
"""

# What every live chart shares: loading plotly.js, the app theme as a plotly template,
# and mounting (its state on the <div>; drawn when in view, see ``update``, which each chart defines).
SHARED_JS = LOAD_PLOTLY_JS + r"""
// "#1A1A1A" or "rgb(26, 26, 26)" at the given opacity, for plotly; anything else as it is.
function faded(color, alpha) {
  let rgb = null;
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const h = hex[1].length === 3 ? hex[1].replace(/./g, "$&$&") : hex[1];
    rgb = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
  } else {
    const m = /^rgba?\(([^)]+)\)$/.exec(color);
    if (m) rgb = m[1].split(",").slice(0, 3).map((c) => parseFloat(c));
  }
  return rgb && rgb.every((c) => !isNaN(c)) ? `rgba(${rgb.join(",")},${alpha})` : color;
}

// Streamlit's chart theme, read from the CSS variables it gives components.
function streamlitTheme(el) {
  const css = getComputedStyle(el);
  const v = (name) => css.getPropertyValue("--st-" + name).trim();
  const list = (name) => v(name).split(",").map((c) => c.trim()).filter(Boolean);
  const scale = (cs) => (cs.length > 1 ? cs.map((c, i) => [i / (cs.length - 1), c]) : undefined);
  const text = v("text-color"), heading = v("heading-color") || text, bg = v("background-color");
  const grid = v("border-color-light") || v("border-color"), font = v("font");
  const seq = scale(list("chart-sequential-colors")), div = scale(list("chart-diverging-colors"));
  const colorway = list("chart-categorical-colors");
  const key = [text, heading, bg, grid, font, colorway, seq, div].map(String).join("|");
  const muted = faded(text, 0.55);  // st.plotly_chart's ticks and axis titles are grey
  const small = { color: muted, size: 12 }, axisTitle = { font: { color: muted, size: 14 } };
  const axis = { gridcolor: grid, zerolinecolor: grid, tickcolor: grid, minor: { gridcolor: grid },
                 tickfont: small, automargin: true };
  const layout = {
    font: { color: muted, family: font, size: 12 },
    title: { font: { family: font, size: 16, color: heading }, xanchor: "left", x: 0, pad: { l: 4 } },
    legend: { font: { color: text, size: 12 }, title: { font: small }, bordercolor: "rgba(0,0,0,0)", borderwidth: 0 },
    paper_bgcolor: bg, plot_bgcolor: bg,
    xaxis: Object.assign({}, axis, { showgrid: false, zeroline: false, title: Object.assign({ standoff: 20 }, axisTitle) }),
    yaxis: Object.assign({}, axis, { title: Object.assign({ standoff: 24 }, axisTitle) }),
    hoverlabel: { bgcolor: bg, bordercolor: v("border-color"), font: { color: text, family: font, size: 12 } },
    margin: { pad: 8, r: 0, l: 0 },
  };
  if (colorway.length) layout.colorway = colorway;
  if (seq) {
    layout.colorscale = { sequential: seq, sequentialminus: seq };
    layout.coloraxis = { colorscale: seq };
  }
  if (div) layout.colorscale = Object.assign(layout.colorscale || {}, { diverging: div });
  const data = { scatter: [{ marker: { line: { width: 0 } } }] };
  if (seq) for (const t of ["heatmap", "contour", "contourcarpet", "histogram2d"]) data[t] = [{ colorscale: seq }];
  return { key, template: { layout, data } };
}

function mount(div) {
  const state = { div, payload: null, drawn: null, visible: true, pending: false };
  state.seen = new IntersectionObserver((entries) => {
    state.visible = entries[entries.length - 1].isIntersecting;
    if (state.visible && state.pending) update(state);
  }, { rootMargin: "300px 0px" });
  state.seen.observe(div);
  let width = 0;
  state.resize = new ResizeObserver((entries) => {
    const w = Math.round(entries[0].contentRect.width);
    if (w === width) return;
    width = w;
    if (window.Plotly && div._fullLayout) window.Plotly.Plots.resize(div);
  });
  state.resize.observe(div);
  state.cleanup = () => {
    // Streamlit calls this on unmount, and also for a call it overtook with newer data:
    // only a <div> that has left the page is torn down.
    if (div.isConnected || div.__liveChart !== state) return;
    state.resize.disconnect();
    state.seen.disconnect();
    if (window.Plotly) window.Plotly.purge(div);
    delete div.__liveChart;
  };
  div.__liveChart = state;
  return state;
}


// The figure's layout as drawn: in the app's theme (bold title), the chart's height, the reader's zoom kept.
function themedLayout(state, payload, figureLayout) {
  const layout = Object.assign({}, figureLayout || {});
  if (payload.theme === "streamlit") {
    layout.template = state.theme.template;
    const title = layout.title;
    const text = typeof title === "string" ? title : title && title.text;
    if (text) layout.title = Object.assign({}, typeof title === "object" ? title : {}, { text: "<b>" + text + "</b>" });
  }
  if (layout.uirevision === undefined) layout.uirevision = payload.uirevision;
  layout.height = payload.height;
  delete layout.width;  // the container decides
  layout.autosize = true;
  return layout;
}
"""


def compact(js: str) -> str:
    """``js`` without indentation, blank lines and whole-line comments: it travels with every redraw."""
    lines = (line.strip() for line in js.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))
