"""What the bench's scenarios share (``Bench``: options, servers, CPU use, rows), the bare PyTorch
loop every rate is compared with, and the summaries of several sessions' numbers.
"""
from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.cpu_use import CpuRecorder, describe
from tools.local_server import START_TIMEOUT_S, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]

SETTINGS = "arch=lstm&task=adding&seq_len=50&hidden=64"
BIG = dict(arch="lstm", task="adding", hidden=256, seq_len=200, batch=64)


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


def bare_loop():
    """``playground.bench``'s bare loop (LSTM H=64 T=50 B=32, adding), one torch thread, warmed up: its step."""
    import torch

    from playground.bench import WARMUP_STEPS, bare_step
    from playground.config import RunConfig
    from playground.tasks import make_task

    torch.set_num_threads(1)
    config = RunConfig(arch="lstm", task="adding", seq_len=50, hidden=64, batch=32)
    step = bare_step(config, make_task(config))
    for _ in range(WARMUP_STEPS):
        step()
    return step


def bare_steps_per_second(seconds: float) -> float:
    """Steps/s of the bare loop over at least ``seconds``."""
    from playground.bench import MIN_STEPS

    step = bare_loop()
    count, start = 0, time.perf_counter()
    while count < MIN_STEPS or time.perf_counter() - start < seconds:
        step()
        count += 1
    return count / (time.perf_counter() - start)


def bare_seconds_for(steps: int) -> float:
    """Seconds the bare loop takes for ``steps`` steps (a fresh model, timed now)."""
    step = bare_loop()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return time.perf_counter() - start


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


def updated_count(rows: list[dict]) -> str:
    """'k of n updated' (sessions whose Step moved at all)."""
    moved = sum(1 for r in rows if r["first_ms"] == r["first_ms"])
    return f"{moved} of {len(rows)} updated"
