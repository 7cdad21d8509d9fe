"""UI benchmark (not a test): how the Train page feels in headless Chromium, alone and under load.

    python -m tools.ui_bench                          # every scenario, 10 s windows
    python -m tools.ui_bench --scenarios single navigation --seconds 3
    python -m tools.ui_bench --url http://127.0.0.1:8501   # the one-server scenarios on a running app

First a bare PyTorch loop (``playground.engine.bench.bare_step``: LSTM, H = 64, T = 50, B = 32, the
adding problem, one torch thread) is timed for ``--bare-seconds`` in this process; every
training rate below is given side by side with it. Then the chosen scenarios run, each in
its own headless Chromium, and one markdown table with all their rows is printed:

- ``single``: one session of ``/train?arch=lstm&task=adding&seq_len=50&hidden=64``. It is
  loaded cold, ``tools/blank_frames.js`` is loaded into it, Start is pressed, and from the
  first Step update on it is recorded for ``--seconds``: training steps/s (the slope of the
  Step metric from the first update to the first one past the window) ÷ the bare loop; loss/counter redraws per second (distinct
  Step values); insides redraws per second (changes of the gradient-now chart's title,
  "Gradient norm across timesteps (step N)"); the loss chart's blank frames
  (``countBlankFrames`` on the first ``.live-chart``: blank / frames, and its remounts).
- ``pinned``: the same session with the server pinned to CPU 0 (``taskset -c 0``) and Chromium
  to CPU 1, so that the trainer shares its CPU with the server only, as on a server whose
  readers' browsers run elsewhere: steps/s ÷ bare and redraws/s.
- ``navigation``: on a warm server (one untimed visit first), navigation start -> every chart
  holds a drawn plot (``.main-svg`` with one ``.trace``, or ``.hm`` for a heatmap, per trace)
  while the script is idle, for ``/train`` and for a one-``st.plotly_chart`` reference app run
  on another port; median of a few visits, each in a fresh browser context, and the ratio,
  with milestones on the way (page scripts loaded, app idle, ``plotly.min.js`` in).
- ``converge``: Start -> the "Validation MSE" metric first reading < 0.01 (bounded wait).
- ``eight``: eight sessions at once with the server pinned to CPU 0 (``taskset -c 0``, so its
  worker pool sees one usable CPU) and Chromium pinned to CPU 1: per-session redraws/s and
  steps/s, aggregate steps/s, and aggregate ÷ (usable CPUs of the server × bare steps/s).
  A pool of one worker trains ``playground.backends.pool.RUNS_PER_WORKER`` runs at once; the other
  sessions wait in its queue, and the notes say how many did.
- ``big``: seven sessions at the defaults, alone and then beside one session at the largest
  settings this server admits (H = 256, T = 200, batch 64, halved until
  ``playground.backends.cost.check_cost`` admits it): the seven's redraws/s and steps/s with the big
  neighbour ÷ without.

The single, pinned and eight scenarios also record the CPU time of the server, its trainer
processes and Chromium (``tools/cpu_use.py``) over their measuring window: the group at a full
CPU is what bounds the rates.

Timestamps are taken inside the page (``performance.now()``, whose origin is the navigation
start), so the Python side's polling does not blur them. Every wait is bounded; the servers
and browsers this script starts are stopped on exit.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.cpu_use import CpuRecorder, describe
from tools.local_server import CHROMIUM, CHROMIUM_ARGS, START_TIMEOUT_S, start_server, stop_server

ROOT = Path(__file__).resolve().parents[1]

SETTINGS = "arch=lstm&task=adding&seq_len=50&hidden=64"
BIG = dict(arch="lstm", task="adding", hidden=256, seq_len=200, batch=64)
BLANK_FRAMES_JS = Path(__file__).resolve().parent / "blank_frames.js"
TIMEOUT_MS = 300_000        # longest wait for a page to load or a control to answer
FIRST_MS = 120_000          # longest wait for a session's first update (or for it to be queued)
AFTER_MS = 15_000           # longest wait past the window for the first update after it
CONVERGE_S = 120.0          # longest wait for the validation MSE to go below the target
TARGET_MSE = 0.01
NAV_VISITS = 3              # timed visits per app in the navigation scenario
NAV_TIMEOUT_MS = 60_000     # longest wait for every chart of a page to be drawn
VIEWPORT = {"width": 1400, "height": 1000}
GRADIENT_TITLE = "Gradient norm across timesteps"
REFERENCE_APP = '''"""One st.plotly_chart: the reference for the Train page's time to every chart drawn."""
import plotly.graph_objects as go
import streamlit as st

st.title("Reference")
st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2, 4], mode="lines+markers")), width="stretch")
'''
# The page is drawn once the script is idle and the browser has had no long task for a second.
SETTLED_JS = ("window.__bench.idle !== null && "
              "performance.now() - Math.max(window.__bench.idle, window.__bench.drawn) > 1000")

# In-page recorder, polled every 20 ms: when the app first went idle, when Start was clicked,
# every Step value change, every change of the gradient-now chart's title, every validation
# metric value, whether the run was queued, and when every chart under ``window.__benchCharts``
# (at least ``window.__benchExpect`` of them) first held a drawn plot while the script was idle.
# A plain ``.main-svg .trace`` selector misses heatmaps (their group is ``.hm``) and the loss chart
# before training (no trace yet), hence ``drawnPlot``.
RECORDER_JS = """(() => {
window.__bench = {idle: null, drawn: 0, click: null, steps: [], insides: [], val: [], queued: false,
                  charts: null, chartCount: 0};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.drawn = Math.max(window.__bench.drawn, e.startTime + e.duration);
}).observe({entryTypes: ['longtask']});
const last = (a) => a.length ? a[a.length - 1][1] : undefined;
// A chart box holds a drawn plot when plotly.js has drawn its SVG and one group per trace
// (a scatter's .trace, a heatmap's .hm); a figure without traces (the loss before training) is
// drawn with its axes.
const drawnPlot = (box) => {
  const node = box.classList.contains('js-plotly-plot') ? box : box.querySelector('.js-plotly-plot');
  return !!node && !!node.querySelector('.main-svg')
    && node.querySelectorAll('.main-svg .trace, .main-svg .hm').length >= (node.data || []).length;
};
const poll = () => {
  const b = window.__bench, app = document.querySelector("[data-testid='stApp']"), now = performance.now();
  const idle = !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning';
  if (b.idle === null && idle && document.querySelector("[data-testid='stMetricValue']")) b.idle = now;
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
document.addEventListener('click', (e) => {
  const btn = e.target.closest('button');
  if (btn && btn.innerText.includes('Start') && window.__bench.click === null) window.__bench.click = performance.now();
}, true);
})();
"""


@dataclass
class Bench:
    """What the scenarios share: the options, the bare loop's rate, a temp dir and the servers to stop."""

    seconds: float
    bare_steps_s: float
    tmp: Path
    stack: contextlib.ExitStack
    url: str | None = None                          # the shared server (started on first use)
    pids: dict[str, int] = field(default_factory=dict)   # URL -> its server's process id
    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def shared_url(self) -> str:
        """The shared app server's URL: the one given with --url, else one started now and kept."""
        if self.url is None:
            self.url = self.server()
        return self.url

    def server(self, script: str = "playground/app.py", prefix: tuple[str, ...] = ()) -> str:
        """Start ``script`` with ``streamlit run`` (after ``prefix``, e.g. taskset); stopped on exit."""
        if script == "playground/app.py" and not prefix:
            proc, url = start_server()
        else:
            proc, url = start_app(script, prefix)
        self.stack.callback(stop_server, proc)
        self.pids[url] = proc.pid
        return url

    def cpu_recorder(self, url: str) -> CpuRecorder:
        """A started ``CpuRecorder`` of the server behind ``url``, its trainers, and the browsers."""
        return CpuRecorder([self.pids[url]] if url in self.pids else []).start()   # --url: no server of ours

    def add_cpu(self, row: str, recorder: CpuRecorder, marks: list[float]) -> None:
        """A row with the CPUs busy in the window all sessions share: from the last one's first
        update (``marks``: when each session saw it) for ``seconds``. The recording goes to stderr."""
        print("\n".join(f"  {line}" for line in recorder.series()), file=sys.stderr)
        if not marks:
            self.add(row, "—", "no session updated")
            return
        use = recorder.use(max(marks), max(marks) + self.seconds)
        self.add(row, f"{sum(use.values()):.2f} CPUs", describe(use) + f", the {self.seconds:g} s after every "
                 "session's first update")

    def add(self, row: str, value: str, detail: str = "") -> None:
        """One row of the final table."""
        self.rows.append((row, value, detail))


def start_app(script: str, prefix: tuple[str, ...] = (), timeout_s: float = START_TIMEOUT_S):
    """``local_server.start_server`` for ``script`` with a command prefix; (process, URL)."""
    return start_server(timeout_s, script=script, prefix=prefix)


def bare_steps_per_second(seconds: float) -> float:
    """Steps/s of ``playground.engine.bench``'s bare loop (LSTM H=64 T=50 B=32, adding), one torch thread."""
    import torch

    from playground.engine.bench import MIN_STEPS, WARMUP_STEPS, bare_step
    from playground.config import RunConfig
    from playground.tasks import make_task

    torch.set_num_threads(1)
    config = RunConfig(arch="lstm", task="adding", seq_len=50, hidden=64, batch=32)
    step = bare_step(config, make_task(config))
    for _ in range(WARMUP_STEPS):
        step()
    count, start = 0, time.perf_counter()
    while count < MIN_STEPS or time.perf_counter() - start < seconds:
        step()
        count += 1
    return count / (time.perf_counter() - start)


def usable_cpus_under(prefix: tuple[str, ...]) -> int:
    """``playground.backends.cpus.usable_cpus()`` as a process started after ``prefix`` (e.g. taskset) sees it."""
    code = "from playground.backends.cpus import usable_cpus; print(usable_cpus())"
    out = subprocess.run([*prefix, sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, check=True)
    return int(out.stdout.strip())


def big_settings() -> tuple[dict, str]:
    """The largest settings of BIG this server admits (batch halved until admitted) and a note."""
    from playground.config import RunConfig
    from playground.backends.cost import check_cost
    from playground.errors import AdmissionError
    from playground.tasks import make_task

    settings = dict(BIG)
    while True:
        config = RunConfig(**settings)
        try:
            cost = check_cost(config, make_task(config))
            return settings, f"estimated {cost.step_ms:.0f} ms/step, {cost.memory_mb:.0f} MB"
        except AdmissionError:
            if settings["batch"] == 1:
                raise
            settings["batch"] //= 2


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


async def train_session(browser, url: str, seconds: float, started: asyncio.Barrier | None = None, *,
                        blank: bool = False, until_mse: float | None = None,
                        marks: list[float] | None = None) -> dict:
    """Open ``url`` cold, (wait for the others,) press Start and record; returns the numbers.

    The window is ``seconds`` from the first Step update (from the click for a session that
    never updates: one queued for a free trainer). With ``blank`` the loss chart's blank
    frames are counted from the click to the end of the window; with ``until_mse`` it then
    waits (up to CONVERGE_S) for the validation metric to go below that value. ``marks``, if
    given, gets the ``time.monotonic()`` at which the first update was seen.
    """
    context, page = await new_page(browser)
    try:
        await page.goto(url)
        await page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS, polling=100)
        if blank:
            await page.add_script_tag(path=str(BLANK_FRAMES_JS))
        if started is not None:
            await started.wait()
        if blank:
            await page.evaluate("window.__blank = window.countBlankFrames('.live-chart')")
        # dispatch_event: the click is timed in the page; Playwright's actionability checks would
        # add seconds of their own on a browser busy drawing several live pages
        await page.get_by_role("button", name="Start").first.dispatch_event("click")
        await page.wait_for_function("window.__bench.click !== null", timeout=TIMEOUT_MS)
        with contextlib.suppress(Exception):
            await page.wait_for_function("window.__bench.steps.some(([t, v]) => v > 0) || window.__bench.queued",
                                         timeout=FIRST_MS, polling=100)
            if marks is not None:
                marks.append(time.monotonic())
        # the window, then (up to AFTER_MS more) the first Step update after it
        await page.wait_for_function(
            f"(() => {{ const b = window.__bench, m = b.steps.find(([t, v]) => v > 0);"
            f" const end = (m ? m[0] : b.click) + {seconds * 1000}, now = performance.now();"
            f" return now > end + 300 && (!m || now > end + {AFTER_MS} || b.steps.some(([t, v]) => t > end)); }})()",
            timeout=seconds * 1000 + FIRST_MS, polling=100)
        blank_counts = await page.evaluate(
            "(() => { const c = window.__blank; c.stop();"
            " return {frames: c.frames, blank: c.blank, nodeChanges: c.nodeChanges, sameNode: c.sameNode}; })()"
        ) if blank else None
        if until_mse is not None:
            with contextlib.suppress(Exception):
                await page.wait_for_function(f"window.__bench.val.some(([t, v]) => v < {until_mse})",
                                             timeout=CONVERGE_S * 1000, polling=100)
        data = await page.evaluate("window.__bench")
        pause = page.get_by_role("button", name="Pause").first
        with contextlib.suppress(Exception):
            await pause.dispatch_event("click", timeout=5000)
            await page.get_by_role("button", name="Start").first.wait_for(timeout=5000)
    finally:
        await context.close()
    return measure(data, seconds, blank_counts, until_mse)


def measure(data: dict, seconds: float, blank_counts: dict | None, until_mse: float | None) -> dict:
    """The rates of one session from its recording: window ``seconds`` from its first update."""
    click = data["click"]
    moved = [(t, v) for t, v in data["steps"] if t >= click and v > 0]
    start = moved[0][0] if moved else click
    end = start + seconds * 1000
    window = [(t, v) for t, v in moved if t <= end]
    # the Step metric's slope from the first update to the first one at or past the window's end
    # (the last one seen if none came): at least the window long, even for a page redrawn
    # once every few seconds, whose few close-together updates would give a noisy slope
    after = [(t, v) for t, v in moved if t > end][:1]
    span = window + after
    if not moved:
        slope = 0.0                                       # never trained (queued, or too slow to start)
    elif len(span) > 1 and span[-1][0] > span[0][0]:
        slope = (span[-1][1] - span[0][1]) / (span[-1][0] - span[0][0]) * 1000
    else:
        slope = float("nan")                              # one update only: no slope
    insides = [t for t, _ in data["insides"] if start < t <= end]
    below = [t for t, v in data["val"] if t >= click and until_mse is not None and v < until_mse]
    return {"load_ms": max(data["idle"], min(data["drawn"], click)),
            "first_ms": moved[0][0] - click if moved else float("nan"),
            "updates_s": len(window) / seconds, "steps_s": slope, "insides_s": len(insides) / seconds,
            "queued": bool(data["queued"]) and not moved, "blank": blank_counts,
            "converge_s": (below[0] - click) / 1000 if below else float("nan"),
            "last_val": data["val"][-1][1] if data["val"] else float("nan")}


# Where a visit's time went, from navigation start (ms): the page's own scripts loaded, the app
# first idle with a metric drawn (the script ran and its elements arrived), plotly.min.js in (the
# live charts load it; st.plotly_chart's plotly.js is part of Streamlit's own bundle).
MILESTONES_JS = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const plotly = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('plotly.min.js'));
  return {loaded: nav ? nav.loadEventEnd : null, idle: window.__bench.idle,
          plotly: plotly.length ? plotly[0].responseEnd : null};
})()"""


async def navigation_ms(browser, url: str, charts: str, expect: int) -> tuple[float, int, dict]:
    """Navigation start -> at least ``expect`` charts under ``charts``, all drawn, script idle.

    Returns (ms, charts, milestones): the milestones of ``MILESTONES_JS``, in ms.
    """
    context, page = await new_page(browser, charts, expect)
    try:
        await page.goto(url)
        await page.wait_for_function("window.__bench.charts !== null", timeout=NAV_TIMEOUT_MS, polling=100)
        data = await page.evaluate("window.__bench")
        return data["charts"], data["chartCount"], await page.evaluate(MILESTONES_JS)
    finally:
        await context.close()


def milestones(visits: list[tuple[float, int, dict]]) -> str:
    """The median milestones of some visits as "scripts loaded 0.9 s, app idle 1.6 s, ..."."""
    names = {"loaded": "page scripts loaded", "idle": "app idle with a metric", "plotly": "plotly.min.js in"}
    parts = []
    for key, name in names.items():
        values = [m[key] for _, _, m in visits if m.get(key) is not None]
        if values:
            parts.append(f"{name} {statistics.median(values) / 1000:.2f} s")
    return ", ".join(parts)


async def chart_count(browser, url: str, charts: str) -> int:
    """An untimed visit (it warms the server): how many charts the settled page holds."""
    context, page = await new_page(browser, charts)
    try:
        await page.goto(url)
        await page.wait_for_function("window.__bench.charts !== null", timeout=NAV_TIMEOUT_MS, polling=100)
        await page.wait_for_timeout(1500)
        return await page.evaluate(f"document.querySelectorAll({charts!r}).length")
    finally:
        await context.close()


def total(rows: list[dict], key: str = "steps_s") -> float:
    """The sum of ``key`` over the sessions that have a finite value."""
    return sum(r[key] for r in rows if r[key] == r[key])


def summary(values: list[float], fmt: str = ".1f", worst_is_min: bool = True) -> str:
    """'median (worst)' of the finite values; for rates the worst is the minimum."""
    finite = [v for v in values if v == v]
    if not finite:
        return "—"
    worst = min(finite) if worst_is_min else max(finite)
    return f"{statistics.median(finite):{fmt}} ({worst:{fmt}})"


async def sessions_at_once(browser, urls: list[str], seconds: float, marks: list[float] | None = None) -> list[dict]:
    """One train_session per URL, loaded together and started together; each one's numbers go to stderr."""
    barrier = asyncio.Barrier(len(urls))
    rows = list(await asyncio.gather(*(train_session(browser, u, seconds, barrier, marks=marks) for u in urls)))
    for url, r in zip(urls, rows):
        print(f"  {url.split('?', 1)[1]}: load {r['load_ms'] / 1000:.1f} s, first update {r['first_ms'] / 1000:.1f} s, "
              f"{r['updates_s']:.1f} redraws/s, {r['insides_s']:.2f} insides/s, {r['steps_s']:.1f} steps/s"
              + (", queued" if r["queued"] else ""), file=sys.stderr)
    return rows


def updated_count(rows: list[dict]) -> str:
    """'k of n updated' (sessions whose Step moved at all)."""
    moved = sum(1 for r in rows if r["first_ms"] == r["first_ms"])
    return f"{moved} of {len(rows)} updated"


def scenario_single(bench: Bench) -> None:
    """One session, LSTM H=64 T=50: steps/s ÷ bare, redraw rates, the loss chart's blank frames."""
    url = f"{bench.shared_url()}/train?{SETTINGS}"

    recorder, marks = bench.cpu_recorder(bench.shared_url()), []

    async def go():
        async with chromium() as browser:
            result = await train_session(browser, url, bench.seconds, blank=True, marks=marks)
            recorder.stop()                     # before the browser's processes exit
            return result

    r = asyncio.run(go())
    bench.add_cpu("CPU use, one session training (server, its trainers, Chromium)", recorder, marks)
    b = r["blank"]
    bench.add("cold load of /train (one session)", f"{r['load_ms'] / 1000:.2f} s",
              "navigation start → app idle and no long task for 1 s")
    bench.add("Start → first Step update", f"{r['first_ms'] / 1000:.2f} s", "")
    bench.add("training steps/s on the page ÷ bare loop", f"{r['steps_s'] / bench.bare_steps_s:.2f}",
              f"{r['steps_s']:.1f} steps/s (Step metric slope over {bench.seconds:g} s) vs bare "
              f"{bench.bare_steps_s:.1f} steps/s")
    bench.add("loss/counter redraws per second", f"{r['updates_s']:.1f} /s", "distinct Step metric values")
    bench.add("insides redraws per second", f"{r['insides_s']:.2f} /s",
              f"changes of the \"{GRADIENT_TITLE} (step N)\" title")
    frac = b["blank"] / b["frames"] if b["frames"] else float("nan")
    bench.add("blank-frame fraction of the loss chart", f"{frac:.4f}",
              f"{b['blank']} blank of {b['frames']} animation frames; {b['nodeChanges']} plot-node changes")


def scenario_pinned(bench: Bench) -> None:
    """One session with the server (and its trainers) on CPU 0 and Chromium on CPU 1.

    On a machine that serves pages to other machines' browsers, the trainer shares its CPUs with
    the server only; here the page's own Chromium shares them too. Pinning the two apart measures
    what the server side sustains.
    """
    prefix = ("taskset", "-c", "0")
    url = bench.server("playground/app.py", prefix)
    wrapper = chromium_wrapper(bench.tmp, 1)
    recorder, marks = bench.cpu_recorder(url), []

    async def go():
        async with chromium(wrapper) as browser:
            result = await train_session(browser, f"{url}/train?{SETTINGS}", bench.seconds, marks=marks)
            recorder.stop()
            return result

    r = asyncio.run(go())
    bench.add_cpu("pinned (server and trainers on CPU 0, Chromium on CPU 1): CPU use", recorder, marks)
    bench.add("pinned: training steps/s on the page ÷ bare loop", f"{r['steps_s'] / bench.bare_steps_s:.2f}",
              f"{r['steps_s']:.1f} steps/s vs bare {bench.bare_steps_s:.1f} steps/s")
    bench.add("pinned: loss/counter redraws per second", f"{r['updates_s']:.1f} /s",
              f"insides {r['insides_s']:.2f} /s")


def scenario_navigation(bench: Bench) -> None:
    """Warm-server navigation to every chart drawn: /train against a one-st.plotly_chart app."""
    train_url = f"{bench.shared_url()}/train?{SETTINGS}"
    script = bench.tmp / "reference_app.py"
    script.write_text(REFERENCE_APP)
    ref_url = bench.server(str(script))
    plotly = "[data-testid='stPlotlyChart']"

    async def go():
        async with chromium() as browser:
            results = {}
            for name, url, charts in (("train", train_url, ".live-chart"), ("reference", ref_url, plotly)):
                expect = await chart_count(browser, url, charts)           # warms the server
                results[name] = [await navigation_ms(browser, url, charts, expect) for _ in range(NAV_VISITS)]
            return results

    res = asyncio.run(go())
    train = statistics.median(ms for ms, _, _ in res["train"]) / 1000
    ref = statistics.median(ms for ms, _, _ in res["reference"]) / 1000
    bench.add("/train navigation → every chart drawn (warm server)", f"{train:.2f} s",
              f"{res['train'][0][1]} live charts; median of {NAV_VISITS} visits "
              f"({', '.join(f'{ms / 1000:.2f}' for ms, _, _ in res['train'])} s); {milestones(res['train'])}")
    bench.add("one-chart reference app, same measure", f"{ref:.2f} s",
              f"one st.plotly_chart; visits {', '.join(f'{ms / 1000:.2f}' for ms, _, _ in res['reference'])} s; "
              f"{milestones(res['reference'])}")
    bench.add("/train ÷ reference", f"{train / ref:.1f}×", "")


def scenario_converge(bench: Bench) -> None:
    """Start → validation MSE < 0.01, LSTM H=64 T=50 on the adding problem (bounded wait)."""
    url = f"{bench.shared_url()}/train?{SETTINGS}"

    async def go():
        async with chromium() as browser:
            return await train_session(browser, url, 1.0, until_mse=TARGET_MSE)

    r = asyncio.run(go())
    value = f"{r['converge_s']:.1f} s" if r["converge_s"] == r["converge_s"] else f"> {CONVERGE_S:.0f} s"
    bench.add(f"Start → validation MSE < {TARGET_MSE:g}", value,
              f"click → the \"Validation MSE\" metric first below {TARGET_MSE:g} (last read {r['last_val']:.4g})")


def scenario_eight(bench: Bench) -> None:
    """Eight sessions at once: server pinned to CPU 0, Chromium to CPU 1."""
    prefix = ("taskset", "-c", "0")
    cores = usable_cpus_under(prefix)
    url = bench.server("playground/app.py", prefix)
    wrapper = chromium_wrapper(bench.tmp, 1)

    recorder, marks = bench.cpu_recorder(url), []

    async def go():
        async with chromium(wrapper) as browser:
            result = await sessions_at_once(browser, [f"{url}/train?{SETTINGS}&seed={k}" for k in range(8)],
                                            bench.seconds, marks)
            recorder.stop()
            return result

    rows = asyncio.run(go())
    bench.add_cpu("8 sessions: CPU use (server and trainers on CPU 0, Chromium on CPU 1)", recorder, marks)
    trained = [r for r in rows if not r["queued"]]
    queued = len(rows) - len(trained)
    aggregate = total(rows)
    from playground.backends.pool import RUNS_PER_WORKER

    note = (f"{updated_count(rows)}, {queued} queued for a free trainer (the pool trains at most "
            f"{cores} worker × {RUNS_PER_WORKER} runs at once)")
    bench.add("8 sessions (server on CPU 0, Chromium on CPU 1): redraws/s per session",
              summary([r["updates_s"] for r in trained]), f"median (worst) over the sessions not queued; {note}")
    bench.add("8 sessions: insides redraws/s per session", summary([r["insides_s"] for r in trained], ".2f"), "")
    bench.add("8 sessions: training steps/s per session", summary([r["steps_s"] for r in trained]),
              f"Start → first update {summary([r['first_ms'] / 1000 for r in trained], '.2f', False)} s")
    bench.add("8 sessions: aggregate training steps/s", f"{aggregate:.1f}", "sum over the 8 sessions")
    bench.add("8 sessions: aggregate ÷ (server's usable CPUs × bare)",
              f"{aggregate / (cores * bench.bare_steps_s):.2f}",
              f"usable_cpus() under taskset -c 0 = {cores}; bare {bench.bare_steps_s:.1f} steps/s")


def scenario_big(bench: Bench) -> None:
    """Seven default sessions alone, then beside one session at the largest admitted settings."""
    settings, cost = big_settings()
    url = bench.server()                              # a fresh server: no runs left from other scenarios
    defaults = [f"{url}/train?{SETTINGS}&seed={k}" for k in range(7)]
    big_url = f"{url}/train?" + "&".join(f"{k}={v}" for k, v in settings.items())

    async def go():
        async with chromium() as browser:
            alone = await sessions_at_once(browser, defaults, bench.seconds)
        async with chromium() as browser:
            together = await sessions_at_once(browser, defaults + [big_url], bench.seconds)
        return alone, together

    alone, together = asyncio.run(go())
    big, beside = together[-1], together[:-1]
    med = lambda rows, k: statistics.median([r[k] for r in rows if r[k] == r[k]] or [float("nan")])  # noqa: E731
    big_desc = f"H={settings['hidden']} T={settings['seq_len']} batch={settings['batch']}"
    for key, name in (("updates_s", "redraws/s"), ("steps_s", "training steps/s")):
        a, t = med(alone, key), med(beside, key)
        bench.add(f"7 defaults beside one big run ({big_desc}): {name} with ÷ without",
                  f"{t / a:.2f}" if a and a == a else "—", f"median per session {t:.1f} with, {a:.1f} without")
    with_, without = total(beside), total(alone)
    bench.add("7 defaults: aggregate steps/s with ÷ without", f"{with_ / without:.2f}" if without else "—",
              f"{with_:.1f} with ({updated_count(beside)}), {without:.1f} without ({updated_count(alone)})")
    bench.add("the big run itself", f"{big['steps_s']:.2f} steps/s",
              f"{big['updates_s']:.1f} redraws/s; {cost}; queued: {big['queued']}")


SCENARIOS = {"single": scenario_single, "pinned": scenario_pinned, "navigation": scenario_navigation, "converge": scenario_converge,
             "eight": scenario_eight, "big": scenario_big}


def table(bench: Bench) -> str:
    """The markdown table of every row the scenarios added."""
    lines = ["| measure | value | detail |", "|---|---:|---|"]
    lines += [f"| {row} | {value} | {detail} |" for row, value, detail in bench.rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Time the bare loop, run the chosen scenarios, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", nargs="+", choices=list(SCENARIOS), default=list(SCENARIOS))
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring window after the first update")
    parser.add_argument("--bare-seconds", type=float, default=4.0, help="how long the bare loop is timed")
    parser.add_argument("--url", help="an already running app for the one-server scenarios "
                                      "(default: start one on 127.0.0.1)")
    args = parser.parse_args(argv)
    bare = bare_steps_per_second(args.bare_seconds)
    print(f"bare PyTorch loop (LSTM H=64 T=50 B=32, adding, 1 thread): {bare:.1f} steps/s", file=sys.stderr)
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="ui_bench_") as tmp:
        bench = Bench(args.seconds, bare, Path(tmp), stack, args.url.rstrip("/") if args.url else None)
        for name in args.scenarios:
            started = time.monotonic()
            try:
                SCENARIOS[name](bench)
            except Exception as err:                          # one failed scenario does not lose the others
                bench.add(f"{name}: not measured", "—", f"{type(err).__name__}: {str(err).splitlines()[0][:200]}")
            print(f"{name} done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    load = os.getloadavg()
    print(f"Train page, {SETTINGS.replace('&', ', ')} unless said otherwise; headless Chromium; window "
          f"{args.seconds:g} s from the first update. Bare PyTorch loop (playground.engine.bench, LSTM H=64 T=50 B=32, "
          f"adding, 1 torch thread), timed right before: **{bare:.1f} steps/s**. Load average at the end: "
          f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} on {os.cpu_count()} cores.\n")
    print(table(bench))


if __name__ == "__main__":
    main()
