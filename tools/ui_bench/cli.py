"""The bench's command line: time the bare loop, run the chosen scenarios, print one markdown table."""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

import tools.ui_bench
from tools.ui_bench.bench import SETTINGS, Bench, bare_steps_per_second
from tools.ui_bench.scenarios import SCENARIOS


def table(bench: Bench) -> str:
    """The markdown table of every row the scenarios added."""
    lines = ["| measure | value | detail |", "|---|---:|---|"]
    lines += [f"| {row} | {value} | {detail} |" for row, value, detail in bench.rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Time the bare loop, run the chosen scenarios, print the table."""
    parser = argparse.ArgumentParser(prog="python -m tools.ui_bench",
                                     description=tools.ui_bench.__doc__.splitlines()[0])
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
          f"{args.seconds:g} s from the first update. Bare PyTorch loop (playground.bench, LSTM H=64 T=50 B=32, "
          f"adding, 1 torch thread), timed right before: **{bare:.1f} steps/s**. Load average at the end: "
          f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} on {os.cpu_count()} cores.\n")
    print(table(bench))
