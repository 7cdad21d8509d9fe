"""Measuring sessions of the Train page in the bench's browser: one training session, many at once,
and the time from navigation to every chart drawn, with its milestones.
"""
from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import time

from tools.ui_bench.page import BLANK_FRAMES_JS, SETTLED_JS, TIMEOUT_MS, new_page

FIRST_MS = 120_000          # longest wait for a session's first update (or for it to be queued)
AFTER_MS = 15_000           # longest wait past the window for the first update after it
CONVERGE_S = 120.0          # longest wait for the validation MSE to go below the target
NAV_TIMEOUT_MS = 60_000     # longest wait for every chart of a page to be drawn


async def train_session(browser, url: str, seconds: float, started: asyncio.Barrier | None = None, *,
                        blank: bool = False, until_mse: float | None = None,
                        marks: list[float] | None = None, view: str | None = None) -> dict:
    """Open ``url`` cold, (wait for the others,) press Start and record; returns the numbers.

    The window is ``seconds`` from the first Step update (from the click for a session that
    never updates: one queued for a free trainer). With ``blank`` the loss chart's blank
    frames are counted from the click to the end of the window; with ``until_mse`` it then
    waits (up to CONVERGE_S) for the validation metric to go below that value. ``marks``, if
    given, gets the ``time.monotonic()`` at which the first update was seen. ``view``, if given,
    is a heading scrolled to the top of the window before Start (live charts off screen wait).
    """
    context, page = await new_page(browser)
    try:
        await page.goto(url)
        await page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS, polling=100)
        if blank:
            await page.add_script_tag(path=str(BLANK_FRAMES_JS))
        if view is not None:
            await page.get_by_role("heading", name=view).first.evaluate("(el) => el.scrollIntoView({block: 'start'})")
        if started is not None:
            await started.wait()
        if blank:
            await page.evaluate("window.__blank = window.countBlankFrames('.live-chart')")
        # dispatch_event: the click is timed in the page; Playwright's actionability checks would
        # add seconds of their own on a browser busy drawing several live pages
        await page.get_by_role("button", name="Start").first.dispatch_event("click")
        await page.wait_for_function("window.__bench.click !== null", timeout=TIMEOUT_MS)
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Performance.enable")
        busy = [None, None]                    # the page's main-thread busy seconds at the window's ends
        with contextlib.suppress(Exception):
            await page.wait_for_function("window.__bench.steps.some(([t, v]) => v > 0) || window.__bench.queued",
                                         timeout=FIRST_MS, polling=100)
            busy[0] = (await main_thread(cdp), await page.evaluate("performance.now()"))
            if marks is not None:
                marks.append(time.monotonic())
        # the window, then (up to AFTER_MS more) the first Step update after it
        await page.wait_for_function(
            f"(() => {{ const b = window.__bench, m = b.steps.find(([t, v]) => v > 0);"
            f" const end = (m ? m[0] : b.click) + {seconds * 1000}, now = performance.now();"
            f" return now > end + 300 && (!m || now > end + {AFTER_MS} || b.steps.some(([t, v]) => t > end)); }})()",
            timeout=seconds * 1000 + FIRST_MS, polling=100)
        busy[1] = (await main_thread(cdp), await page.evaluate("performance.now()"))
        blank_counts = await page.evaluate(
            "(() => { const c = window.__blank; c.stop();"
            " return {frames: c.frames, blank: c.blank, nodeChanges: c.nodeChanges, sameNode: c.sameNode}; })()"
        ) if blank else None
        if until_mse is not None:
            with contextlib.suppress(Exception):
                await page.wait_for_function(f"window.__bench.val.some(([t, v]) => v < {until_mse})",
                                             timeout=CONVERGE_S * 1000, polling=100)
        data = await page.evaluate("Object.assign({tiles: window.__liveTilesCosts || null}, window.__bench)")
        pause = page.get_by_role("button", name="Pause").first
        with contextlib.suppress(Exception):
            await pause.dispatch_event("click", timeout=5000)
            await page.get_by_role("button", name="Start").first.wait_for(timeout=5000)
    finally:
        await context.close()
    return measure(data, seconds, blank_counts, until_mse, busy)


async def main_thread(cdp) -> float:
    """Seconds the page's main thread has been busy with tasks (Chromium's ``TaskDuration`` metric)."""
    metrics = (await cdp.send("Performance.getMetrics"))["metrics"]
    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")


def costs(data: dict, busy: list) -> dict:
    """Main-thread ms per counters-and-loss update over the window ``busy`` marks (its ends: busy seconds,
    page time): the whole page's, the loss chart's plotly.js calls' share, and the tiles component's
    (its script's text changes; NaN on a page without it); the insides' plotly.js calls per insides update."""
    if busy[0] is None or busy[1] is None:
        return {"page_ms": float("nan"), "chart_ms": float("nan"), "tiles_ms": float("nan"),
                "inside_ms": float("nan")}
    (b0, t0), (b1, t1) = busy
    within = lambda pairs: [ms for t, ms in pairs if t0 < t <= t1]     # noqa: E731
    updates = len(within(data["steps"])) or 1
    insides = len(within(data["insides"]))
    tiles = data.get("tiles")
    return {"page_ms": (b1 - b0) * 1000 / updates, "chart_ms": sum(within(data.get("plotly", []))) / updates,
            "tiles_ms": sum(within(tiles)) / updates if tiles else float("nan"),
            "inside_ms": sum(within(data.get("insidePlotly", []))) / insides if insides else float("nan")}


def measure(data: dict, seconds: float, blank_counts: dict | None, until_mse: float | None,
            busy: list | None = None) -> dict:
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
    solved_step = max([v for t, v in moved if below and t <= below[0]], default=float("nan"))
    return {"load_ms": max(data["idle"], min(data["drawn"], click)),
            "first_ms": moved[0][0] - click if moved else float("nan"),
            "updates_s": len(window) / seconds, "steps_s": slope, "insides_s": len(insides) / seconds,
            "queued": bool(data["queued"]) and not moved, "blank": blank_counts,
            "converge_s": (below[0] - click) / 1000 if below else float("nan"),
            "solved_step": solved_step,        # the Step counter the page showed when it first showed "solved"
            "last_val": data["val"][-1][1] if data["val"] else float("nan"),
            **costs(data, busy or [None, None])}


# Where a visit's time went, from navigation start (ms): the page's own scripts loaded, the app
# first idle with a metric drawn (the script ran and its elements arrived), plotly.min.js in (the
# live charts load it; st.plotly_chart's plotly.js is part of Streamlit's own bundle).
MILESTONES_JS = """(() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const plotly = performance.getEntriesByType('resource').filter((e) => e.name.includes('plotly.min.js'));
  return {loaded: nav ? nav.loadEventEnd : null, idle: window.__bench.idle,
          plotly: plotly.length ? plotly[0].responseEnd : null, inView: window.__bench.inView};
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
    names = {"loaded": "page scripts loaded", "idle": "app idle with a metric", "plotly": "plotly.min.js in",
             "inView": "the charts in the first screen drawn"}
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


async def sessions_at_once(browser, urls: list[str], seconds: float, marks: list[float] | None = None) -> list[dict]:
    """One train_session per URL, loaded together and started together; each one's numbers go to stderr."""
    barrier = asyncio.Barrier(len(urls))
    rows = list(await asyncio.gather(*(train_session(browser, u, seconds, barrier, marks=marks) for u in urls)))
    for url, r in zip(urls, rows):
        print(f"  {url.split('?', 1)[1]}: load {r['load_ms'] / 1000:.1f} s, first update {r['first_ms'] / 1000:.1f} s, "
              f"{r['updates_s']:.1f} redraws/s, {r['insides_s']:.2f} insides/s, {r['steps_s']:.1f} steps/s"
              + (", queued" if r["queued"] else ""), file=sys.stderr)
    return rows
