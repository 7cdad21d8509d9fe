"""The bench's in-page recorder and its headless Chromium: what each page records, and how it is opened.

``RECORDER_JS`` runs in every page the bench opens (installed by ``new_page``) and records,
with the page's own ``performance.now()`` timestamps, when the app went idle, when Start was
clicked, every Step value, every redraw of the insides, every validation value, whether the
run was queued, and when every chart held a drawn plot.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

from tools.local_server import CHROMIUM, CHROMIUM_ARGS

BLANK_FRAMES_JS = Path(__file__).resolve().parents[1] / "blank_frames.js"
TIMEOUT_MS = 300_000        # longest wait for a page to load or a control to answer
VIEWPORT = {"width": 1400, "height": 1000}
GRADIENT_TITLE = "‖dL/dh_t‖ at step"        # the gradient-now chart's title, "‖dL/dh_t‖ at step N"

# The page is drawn once the script is idle and the browser has had no long task for a second.
SETTLED_JS = ("window.__bench.idle !== null && "
              "performance.now() - Math.max(window.__bench.idle, window.__bench.drawn) > 1000")

# In-page recorder, polled every 20 ms: when the app first went idle, when Start was clicked,
# every Step value change, every change of the gradient-now chart's title, every validation
# metric value, whether the run was queued, and when every chart under ``window.__benchCharts``
# (at least ``window.__benchExpect`` of them) first held a drawn plot while the script was idle, and
# when those in the first screen did, the script still running or not (``inView``: above the fold).
# A plain ``.main-svg .trace`` selector misses heatmaps (their group is ``.hm``) and the loss chart
# before training (no trace yet), hence ``drawnPlot``.
RECORDER_JS = """(() => {
window.__bench = {idle: null, drawn: 0, click: null, steps: [], insides: [], val: [], queued: false,
                  charts: null, chartCount: 0, inView: null};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.drawn = Math.max(window.__bench.drawn, e.startTime + e.duration);
}).observe({entryTypes: ['longtask']});
const last = (a) => a.length ? a[a.length - 1][1] : undefined;
// A chart box holds a drawn plot when plotly.js has drawn its SVG and one group per trace
// (a scatter's .trace, a heatmap's .hm) that has points; a figure without points (the loss before
// training) is drawn with its axes.
const drawnPlot = (box) => {
  const node = box.classList.contains('js-plotly-plot') ? box : box.querySelector('.js-plotly-plot');
  return !!node && !!node.querySelector('.main-svg')
    && node.querySelectorAll('.main-svg .trace, .main-svg .hm').length
       >= (node.data || []).filter((t) => !(Array.isArray(t.x) && !t.x.length && !t.z)).length;
};
const poll = () => {
  const b = window.__bench, app = document.querySelector("[data-testid='stApp']"), now = performance.now();
  const idle = !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning';
  if (b.idle === null && idle && document.querySelector("[data-testid='stMetricValue']")) b.idle = now;
  if (b.inView === null && app) {           // the charts in the first screen drawn, idle or not
    const seen = Array.from(document.querySelectorAll(window.__benchCharts || '.live-chart')).filter((box) => {
      const r = box.getBoundingClientRect();
      return r.height > 0 && r.bottom > 0 && r.top < window.innerHeight;
    });
    if (seen.length && seen.every(drawnPlot)) b.inView = now;
  }
  if (b.charts === null && idle) {
    const boxes = document.querySelectorAll(window.__benchCharts || '.live-chart');
    if (boxes.length >= (window.__benchExpect || 1) && Array.from(boxes).every(drawnPlot)) {
      b.charts = now;
      b.chartCount = boxes.length;
    }
  }
  const m = document.querySelector("[data-testid='stMetricValue']");
  if (m) {
    const v = parseInt(m.innerText.replace(/,/g, ''), 10);
    if (!Number.isNaN(v) && last(b.steps) !== v) b.steps.push([now, v]);
  }
  for (const t of document.querySelectorAll('.live-chart .gtitle')) {
    const text = t.textContent || '';
    if (text.startsWith('""" + GRADIENT_TITLE + """')) {
      if (last(b.insides) !== text) b.insides.push([now, text]);
      break;
    }
  }
  for (const metric of document.querySelectorAll("[data-testid='stMetric']")) {
    const label = metric.querySelector("[data-testid='stMetricLabel']");
    const value = metric.querySelector("[data-testid='stMetricValue']");
    if (label && value && (label.textContent || '').trim().startsWith('Validation')) {
      const v = parseFloat(value.textContent.replace(/,/g, ''));
      if (!Number.isNaN(v) && last(b.val) !== v) b.val.push([now, v]);
      break;
    }
  }
  if (b.click !== null && !b.queued) {
    for (const alert of document.querySelectorAll("[data-testid^='stAlert']"))
      if ((alert.textContent || '').includes('Waiting for a free trainer')) b.queued = true;
  }
};
setInterval(poll, 20);
// The main-thread time of each plotly.js call on the loss chart (the first .live-chart): react,
// animate, newPlot, extendTraces, relayout, restyle, timed from call to return (their synchronous
// part, where plotly.js lays out and draws), summed per animation frame into loss-chart draws.
window.__bench.plotly = [];
window.__bench.insidePlotly = [];   // the same, on every other chart (the insides)
const wrap = () => {
  const P = window.Plotly;
  if (!P || P.__benchWrapped) return !!P;
  for (const name of ['react', 'animate', 'newPlot', 'extendTraces', 'relayout', 'restyle', 'redraw']) {
    const orig = P[name];
    if (typeof orig !== 'function') continue;
    P[name] = function (gd, ...rest) {
      const t0 = performance.now();
      const out = orig.call(this, gd, ...rest);
      const first = document.querySelector('.live-chart');
      const mine = gd === first || (first && first.contains && first.contains(gd));
      if (mine) window.__bench.plotly.push([t0, performance.now() - t0]);
      else window.__bench.insidePlotly.push([t0, performance.now() - t0]);
      return out;
    };
  }
  P.__benchWrapped = true;
  return true;
};
const wrapping = setInterval(() => { if (wrap()) clearInterval(wrapping); }, 5);
document.addEventListener('click', (e) => {
  const btn = e.target.closest('button');
  if (btn && btn.innerText.includes('Start') && window.__bench.click === null) window.__bench.click = performance.now();
}, true);
})();
"""


def chromium_wrapper(tmp: Path, cpu: int) -> str:
    """A shell script that runs Debian's Chromium pinned to ``cpu`` (an ``executable_path`` for Playwright)."""
    path = tmp / f"chromium-cpu{cpu}"
    path.write_text(f'#!/bin/sh\nexec taskset -c {cpu} {CHROMIUM} "$@"\n')
    path.chmod(0o755)
    return str(path)


@contextlib.asynccontextmanager
async def chromium(executable: str = CHROMIUM):
    """A headless Chromium (closed on exit)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser, charts: str = ".live-chart", expect: int = 1):
    """A fresh context's page with the recorder installed; (context, page)."""
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(f"window.__benchCharts = {charts!r}; window.__benchExpect = {expect};")
    await context.add_init_script(RECORDER_JS)
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return context, page
