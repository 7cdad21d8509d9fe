"""The bench's scenarios: ``single``, ``pinned``, ``navigation``, ``converge``, ``four``, ``eight`` and ``big``
(see ``tools.ui_bench``); each adds its rows to the ``Bench``.
"""
from __future__ import annotations

import asyncio
import statistics

from tools.ui_bench.bench import (SETTINGS, Bench, bare_seconds_for, big_settings, summary, total,
                                  updated_count, usable_cpus_under)
from tools.ui_bench.page import GRADIENT_TITLE, VIEWPORT, chromium, chromium_wrapper
from tools.ui_bench.sessions import (CONVERGE_S, chart_count, milestones, navigation_ms, sessions_at_once,
                                     train_session)

TARGET_MSE = 0.01
BARE_STEPS = 1000          # about what the bare loop needs to solve adding T=50
NAV_VISITS = 3              # timed visits per app in the navigation scenario
REFERENCE_APP = '''"""One st.plotly_chart: the reference for the Train page's time to every chart drawn."""
import plotly.graph_objects as go
import streamlit as st

st.title("Reference")
st.plotly_chart(go.Figure(go.Scatter(y=[1, 3, 2, 4], mode="lines+markers")), width="stretch")
'''


VIEWPORT_TEXT = f"{VIEWPORT['width']}×{VIEWPORT['height']}"
INSIDES_HEADING = "Gradients across timesteps"      # the train page's section with the gradient-now chart


def scenario_single(bench: Bench) -> None:
    """One session, LSTM H=64 T=50: steps/s ÷ bare, redraw rates, the loss chart's blank frames."""
    url = f"{bench.shared_url()}/train?{SETTINGS}"

    recorder, marks = bench.cpu_recorder(bench.shared_url()), []

    async def go():
        async with chromium() as browser:
            result = await train_session(browser, url, bench.seconds, blank=True, marks=marks)
            recorder.stop()                     # before the browser's processes exit
            # the insides sit below the fold, where live charts wait: watch them in view too
            inside = await train_session(browser, url, bench.seconds, view=INSIDES_HEADING)
            return result, inside

    r, inside = asyncio.run(go())
    bench.add_cpu("CPU use, one session training (server, its trainers, Chromium)", recorder, marks)
    b = r["blank"]
    bench.add("cold load of /train (one session)", f"{r['load_ms'] / 1000:.2f} s",
              "navigation start → app idle and no long task for 1 s")
    bench.add("Start → first Step update", f"{r['first_ms'] / 1000:.2f} s", "")
    bench.add("training steps/s on the page ÷ bare loop", f"{r['steps_s'] / bench.bare_steps_s:.2f}",
              f"{r['steps_s']:.1f} steps/s (Step metric slope over {bench.seconds:g} s) vs bare "
              f"{bench.bare_steps_s:.1f} steps/s")
    bench.add("loss/counter redraws per second", f"{r['updates_s']:.1f} /s", "distinct Step metric values")
    bench.add("insides redraws per second, in view", f"{inside['insides_s']:.2f} /s",
              f"changes of the \"{GRADIENT_TITLE} (step N)\" title, scrolled to \"{INSIDES_HEADING}\" "
              f"(counters {inside['updates_s']:.1f} /s); at the top of the page, where they are off screen "
              f"and wait: {r['insides_s']:.2f} /s")
    bench.add("main-thread ms per counters-and-loss update (whole page)", f"{r['page_ms']:.1f} ms",
              "Chromium's TaskDuration over the window ÷ Step updates; the insides are off screen and wait")
    bench.add("main-thread ms per update in the loss chart's plotly.js calls", f"{r['chart_ms']:.1f} ms",
              "react/animate/newPlot/... on the first .live-chart, call to return; the rest of the page's "
              f"time per update (tiles, component and Streamlit updates): {r['page_ms'] - r['chart_ms']:.1f} ms")
    bench.add("main-thread ms per update in the tiles component", f"{r['tiles_ms']:.2f} ms",
              "its script's text changes per counters update (no such component: nan, the tiles are then "
              "part of the rest above)")
    bench.add("main-thread ms per update, scrolled to the insides", f"{inside['page_ms']:.1f} ms",
              "the same measure with the insides in view")
    bench.add("main-thread ms per insides update in their plotly.js calls", f"{inside['inside_ms']:.1f} ms",
              "react/... on every chart but the loss chart, call to return, ÷ insides updates, scrolled to "
              f"\"{INSIDES_HEADING}\"")
    frac = b["blank"] / b["frames"] if b["frames"] else float("nan")
    bench.add("blank-frame fraction of the loss chart", f"{frac:.4f}",
              f"{b['blank']} blank of {b['frames']} animation frames; {b['nodeChanges']} plot-node changes")


SERVER_CPU = ("taskset", "-c", "0")       # the pinned scenarios' server (Chromium gets CPU 1)


def pinned_apart(bench: Bench) -> tuple[str, str]:
    """An app server pinned to CPU 0 and a Chromium executable pinned to CPU 1: (URL, executable)."""
    return bench.server("playground/app.py", SERVER_CPU), chromium_wrapper(bench.tmp, 1)


def scenario_pinned(bench: Bench) -> None:
    """One session with the server (and its trainers) on CPU 0 and Chromium on CPU 1.

    On a machine that serves pages to other machines' browsers, the trainer shares its CPUs with
    the server only; here the page's own Chromium shares them too. Pinning the two apart measures
    what the server side sustains.
    """
    url, wrapper = pinned_apart(bench)
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
    bench.add("pinned: loss/counter redraws per second", f"{r['updates_s']:.1f} /s", "")


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
    seen = [m["inView"] for _, _, m in res["train"] if m.get("inView") is not None]
    if seen:
        first = statistics.median(seen) / 1000
        bench.add("/train navigation → the charts in the first screen drawn", f"{first:.2f} s",
                  f"the live charts whose box is in the {VIEWPORT_TEXT} viewport (the loss curve); "
                  f"÷ reference: {first / ref:.1f}×")


def scenario_converge(bench: Bench) -> None:
    """Start → validation MSE < 0.01, LSTM H=64 T=50 on the adding problem (bounded wait)."""
    url = f"{bench.shared_url()}/train?{SETTINGS}"

    async def go():
        async with chromium() as browser:
            return await train_session(browser, url, 1.0, until_mse=TARGET_MSE)

    r = asyncio.run(go())
    bare = bare_seconds_for(BARE_STEPS)                  # right after: the machine as the page had it
    value = f"{r['converge_s']:.1f} s" if r["converge_s"] == r["converge_s"] else f"> {CONVERGE_S:.0f} s"
    bench.add(f"Start → validation MSE < {TARGET_MSE:g}", value,
              f"click → the \"Validation MSE\" metric first below {TARGET_MSE:g} (last read {r['last_val']:.4g}), "
              f"at step {r['solved_step']:,.0f} on the page's counter; Start → first Step update "
              f"{r['first_ms'] / 1000:.2f} s; the page trained {r['solved_step'] / r['converge_s']:.0f} steps/s "
              "on average from the click")
    bench.add(f"bare loop: {BARE_STEPS:,} steps (timed right after)", f"{bare:.1f} s",
              f"{BARE_STEPS / bare:.0f} steps/s; Start → solved ÷ this: {r['converge_s'] / bare:.1f}×")


def scenario_four(bench: Bench) -> None:
    """Four sessions at once, server pinned to CPU 0, Chromium to CPU 1: training together ÷ bare."""
    scenario_pinned_sessions(bench, 4)


def scenario_eight(bench: Bench) -> None:
    """Eight sessions at once: server pinned to CPU 0, Chromium to CPU 1."""
    scenario_pinned_sessions(bench, 8)


def scenario_pinned_sessions(bench: Bench, count: int) -> None:
    """``count`` sessions at once: server pinned to CPU 0, Chromium to CPU 1."""
    cores = usable_cpus_under(SERVER_CPU)
    url, wrapper = pinned_apart(bench)
    recorder, marks = bench.cpu_recorder(url), []

    async def go():
        async with chromium(wrapper) as browser:
            result = await sessions_at_once(browser, [f"{url}/train?{SETTINGS}&seed={k}" for k in range(count)],
                                            bench.seconds, marks)
            recorder.stop()
            return result

    rows = asyncio.run(go())
    n = count
    bench.add_cpu(f"{n} sessions: CPU use (server and trainers on CPU 0, Chromium on CPU 1)", recorder, marks)
    trained = [r for r in rows if not r["queued"]]
    queued = len(rows) - len(trained)
    aggregate = total(rows)
    from playground.backends.pool import RUNS_PER_WORKER

    note = (f"{updated_count(rows)}, {queued} queued for a free trainer (the pool trains at most "
            f"{cores} worker × {RUNS_PER_WORKER} runs at once)")
    bench.add(f"{n} sessions (server on CPU 0, Chromium on CPU 1): redraws/s per session",
              summary([r["updates_s"] for r in trained]), f"median (worst) over the sessions not queued; {note}")
    bench.add(f"{n} sessions: insides redraws/s per session", summary([r["insides_s"] for r in trained], ".2f"), "")
    bench.add(f"{n} sessions: training steps/s per session", summary([r["steps_s"] for r in trained]),
              f"Start → first update {summary([r['first_ms'] / 1000 for r in trained], '.2f', False)} s")
    bench.add(f"{n} sessions: aggregate training steps/s", f"{aggregate:.1f}", f"sum over the {n} sessions")
    bench.add(f"{n} sessions: aggregate ÷ (server's usable CPUs × bare)",
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


SCENARIOS = {"single": scenario_single, "pinned": scenario_pinned, "navigation": scenario_navigation,
             "converge": scenario_converge, "four": scenario_four, "eight": scenario_eight, "big": scenario_big}
