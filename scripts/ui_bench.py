"""UI benchmark (not a test): how the Train page feels in headless Chromium, alone and under load.

    python scripts/ui_bench.py                     # starts its own server on 127.0.0.1
    python scripts/ui_bench.py --url http://127.0.0.1:8501 --sessions 1 8 --seconds 10

For each number of concurrent sessions (separate browser contexts, opened at once) it measures
- cold load: navigation start -> the page drawn: the app connected, its script idle
  (``data-test-script-state``) and the browser done drawing (no long task for a second);
- start -> first update: the click on Start -> the Step metric first changing from 0
  (waited for up to 2 minutes past the window);
- updates/s: distinct Step metric values per second over the next ``--seconds`` seconds;
- steps/s: training steps per second of one session over the same window;
and prints a markdown table (median over the sessions, worst in brackets). Timestamps are taken
inside the page (``performance.now()``), so the Python side's polling does not blur them.
Reference setting, as in the issue: LSTM, hidden 64, T = 50, the adding problem.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from playground.local_server import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server  # noqa: E402

SETTINGS = "arch=lstm&task=adding&seq_len=50&hidden=64"
TIMEOUT_MS = 300_000
FIRST_MS = 120_000          # longest wait for a session's first update
# The page is drawn once the script is idle and the browser has had no long task for a second.
SETTLED_JS = ("window.__bench.idle !== null && "
              "performance.now() - Math.max(window.__bench.idle, window.__bench.drawn) > 1000")

# In-page recorder: when the app first went idle, when Start was clicked, every Step value change.
RECORDER_JS = """
window.__bench = {idle: null, drawn: 0, click: null, steps: []};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.drawn = Math.max(window.__bench.drawn, e.startTime + e.duration);
}).observe({entryTypes: ['longtask']});
const poll = () => {
  const b = window.__bench, app = document.querySelector("[data-testid='stApp']");
  if (b.idle === null && app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
      && app.getAttribute('data-test-script-state') === 'notRunning'
      && document.querySelector("[data-testid='stMetricValue']")) b.idle = performance.now();
  const m = document.querySelector("[data-testid='stMetricValue']");
  if (m) {
    const v = parseInt(m.innerText.replace(/,/g, ''), 10);
    if (!Number.isNaN(v) && (!b.steps.length || b.steps[b.steps.length - 1][1] !== v)) b.steps.push([performance.now(), v]);
  }
};
setInterval(poll, 20);
document.addEventListener('click', (e) => {
  const btn = e.target.closest('button');
  if (btn && btn.innerText.includes('Start') && window.__bench.click === null) window.__bench.click = performance.now();
}, true);
"""


async def one_session(browser, url: str, seed: int, seconds: float, started: asyncio.Barrier) -> dict:
    """Open /train cold, wait until every session is loaded, press Start, record for ``seconds``."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        await context.add_init_script(RECORDER_JS)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        await page.goto(f"{url}/train?{SETTINGS}&seed={seed}")
        await page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS, polling=100)
        await started.wait()
        # dispatch_event: the click is timed in the page; Playwright's actionability checks would
        # add seconds of their own on a browser busy drawing several live pages
        await page.get_by_role("button", name="Start").first.dispatch_event("click")
        await page.wait_for_function("window.__bench.click !== null")
        await asyncio.sleep(seconds)
        try:                               # a starved session may not have updated yet: wait (bounded)
            await page.wait_for_function("window.__bench.steps.some(([t, v]) => v > 0)", timeout=FIRST_MS)
        except Exception:
            pass
        data = await page.evaluate("window.__bench")
        await page.get_by_role("button", name="Pause").first.dispatch_event("click")
    finally:
        await context.close()
    click, end = data["click"], data["click"] + seconds * 1000
    moved = [(t, v) for t, v in data["steps"] if t >= click and v > 0]
    window = [(t, v) for t, v in moved if t <= end]
    return {"load_ms": max(data["idle"], min(data["drawn"], click)), "first_ms": moved[0][0] - click if moved else float("nan"),
            "updates_s": len(window) / seconds, "steps_s": (window[-1][1] if window else 0) / seconds}


async def scenario(url: str, sessions: int, seconds: float) -> list[dict]:
    """``sessions`` browser contexts in one headless Chromium, opened and started together."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            barrier = asyncio.Barrier(sessions)
            return await asyncio.gather(*(one_session(browser, url, k, seconds, barrier) for k in range(sessions)))
        finally:
            await browser.close()


def summary(values: list[float], unit_fmt: str) -> str:
    """'median (worst)' of finite values; for rates the worst is the minimum."""
    finite = [v for v in values if v == v]
    if not finite:
        return "—"
    worst = min(finite) if unit_fmt.endswith("/s") else max(finite)
    return f"{statistics.median(finite):{unit_fmt.split()[0]}} ({worst:{unit_fmt.split()[0]}})"


def table(results: dict[int, list[dict]]) -> str:
    """The markdown table of all scenarios."""
    lines = ["| sessions | cold load of /train (s) | Start → first update (s) | updates/s per session "
             "| training steps/s per session |", "|---:|---:|---:|---:|---:|"]
    for n, rows in results.items():
        lines.append(f"| {n} | {summary([r['load_ms'] / 1000 for r in rows], '.2f s')} "
                     f"| {summary([r['first_ms'] / 1000 for r in rows], '.2f s')} "
                     f"| {summary([r['updates_s'] for r in rows], '.1f /s')} "
                     f"| {summary([r['steps_s'] for r in rows], '.1f /s')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Run the scenarios and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running app (default: start one on 127.0.0.1)")
    parser.add_argument("--sessions", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=10.0, help="measuring window after Start")
    args = parser.parse_args(argv)
    proc, url = (None, args.url.rstrip("/")) if args.url else start_server()
    try:
        results = {}
        for n in args.sessions:
            results[n] = asyncio.run(scenario(url, n, args.seconds))
            print(f"{n} session(s) done", file=sys.stderr)
    finally:
        if proc is not None:
            stop_server(proc)
    load = os.getloadavg()
    print(f"Train page, {SETTINGS.replace('&', ', ')}; headless Chromium; median over sessions (worst). "
          f"Load average at the end: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} on {os.cpu_count()} cores.\n")
    print(table(results))


if __name__ == "__main__":
    main()
