"""Hold simulated sessions of /train on a server or a room and report what they saw (python -m tools.load).

    python -m tools.load --sessions 10 --duration 20                  # one server started here
    python -m tools.load --query "arch=gru&hidden=16&seq_len=20"       # a smaller model than the defaults
    python -m tools.load --target room --replicas 2 --sessions 10,20,40
    python -m tools.load --sessions 8 --prankster compare             # the class without, then with, the prankster
    python -m tools.load --target url --url http://127.0.0.1:8501     # a server already running (no CPU numbers)

Every target is on 127.0.0.1; every run stops by itself after its phases. Writes load.json and
load.md into --out; prints the Markdown.
"""
from __future__ import annotations

import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlsplit

from playground.cli import OneLineParser
from tools.load.report import write_report
from tools.load.run import run_phase, start_target, warm

MAX_SESSIONS = 1000
MAX_DURATION_S = 3600
DEFAULT_QUERY = ""              # the app's defaults, as a class opening the room's link


def session_counts(text: str) -> list[int]:
    """'10,20,40' → [10, 20, 40], each 1..MAX_SESSIONS."""
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise ValueError(f"--sessions takes counts separated by commas, e.g. 10,20 (got {text[:40]!r})") from None
    if not counts or not all(1 <= c <= MAX_SESSIONS for c in counts) or len(counts) > 10:
        raise ValueError(f"--sessions takes 1 to 10 counts, each between 1 and {MAX_SESSIONS} (got {text[:40]!r})")
    return counts


def is_loopback(url: str) -> bool:
    """True for an http URL on this machine (127.0.0.0/8 or localhost): the only servers this tool loads."""
    host = urlsplit(url).hostname or ""
    return url.startswith("http://") and (host == "localhost" or host.startswith("127."))


def main(argv: list[str] | None = None) -> int:
    """Run the phases asked for and write the report."""
    parser = OneLineParser(prog="python -m tools.load", description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("server", "room", "url"), default="server",
                        help="one server started here, a room (replicas behind nginx) started here, or --url")
    parser.add_argument("--url", default="", help="with --target url: a running app on 127.0.0.1")
    parser.add_argument("--replicas", type=int, default=2, help="with --target room: app replicas (1..8)")
    parser.add_argument("--sessions", default="10", help="simulated sessions; several counts (10,20,40) run one phase each")
    parser.add_argument("--duration", type=float, default=30.0, help=f"seconds each phase holds its sessions (5..{MAX_DURATION_S})")
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="sessions opened per second (0.1..50)")
    parser.add_argument("--prankster", choices=("off", "on", "compare"), default="off",
                        help="a hostile visitor running the attack classes while the class trains; "
                             "compare runs each phase without, then with it")
    parser.add_argument("--query", default=DEFAULT_QUERY, help="the /train URL settings every session opens (default: none, the app's defaults)")
    parser.add_argument("--out", default="load-report", help="folder for load.json and load.md")
    args = parser.parse_args(argv)
    try:
        counts = session_counts(args.sessions)
    except ValueError as err:
        parser.exit(2, f"error: {err}\n")
    if not 5 <= args.duration <= MAX_DURATION_S:
        parser.exit(2, f"error: --duration must be between 5 and {MAX_DURATION_S} s (got {args.duration:g})\n")
    if not 0.1 <= args.spawn_rate <= 50:
        parser.exit(2, f"error: --spawn-rate must be between 0.1 and 50 (got {args.spawn_rate:g})\n")
    if not 1 <= args.replicas <= 8:
        parser.exit(2, f"error: --replicas must be between 1 and 8 (got {args.replicas})\n")
    if args.target == "url" and not is_loopback(args.url):
        parser.exit(2, "error: --target url needs --url http://127.0.0.1:PORT (load only a server on this machine)\n")
    pranks = {"off": [False], "on": [True], "compare": [False, True]}[args.prankster]
    try:
        target = start_target(args.target, args.replicas, args.url, max(counts))
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    phases = []
    try:
        warm(target, args.query)
        for count in counts:
            for prankster in pranks:
                print(f"phase: {count} sessions on the {args.target}{' with the prankster' if prankster else ''}, "
                      f"{args.duration:g} s", file=sys.stderr, flush=True)
                phases.append(run_phase(target, count, args.duration, args.query, prankster, args.spawn_rate))
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        target.stop()
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    _, md_path = write_report(phases, Path(args.out), machine)
    print(md_path.read_text())
    return 0 if all(p["sessions_updated"] == p["sessions"] for p in phases) else 1


if __name__ == "__main__":
    sys.exit(main())
