"""CPU time that the processes of a benchmark use, grouped: the app server, its trainers, the browser.

Read from ``/proc/<pid>/stat`` (user + system time of each live process), so it names what
bounds a measurement: a server at one full CPU is the limit, a browser at one full CPU means
the pages, not the server, set the redraw rate. A process that exits inside the window takes
its time as last sampled (twice a second) with it.

    recorder = CpuRecorder([server.pid]).start()   # groups below the calling process
    ...; recorder.stop(); recorder.use(t0, t1)     # {"server": 0.62, "trainers": 0.35, "browser": 0.98}

Values are CPUs kept busy on average over the window (1.0 = one core all the time).
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
GROUPS = ("server", "trainers", "browser")


def process_table() -> dict[int, tuple[int, int]]:
    """Every readable process: pid -> (parent pid, user + system clock ticks)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()      # after "pid (comm) "
        table[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    return table


def descendants(root: int, table: dict[int, tuple[int, int]]) -> set[int]:
    """``root`` and every process below it in ``table``."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        todo.extend(children.get(pid, ()))
    return found


def grouped_ticks(server_pids: list[int], root: int) -> dict[int, tuple[str, int]]:
    """Each process below ``root``: pid -> (its group, its clock ticks so far).

    Groups: the servers, their child processes (trainers), and the rest (the browser).
    """
    table = process_table()
    below_root = descendants(root, table) - {root}
    servers = set(server_pids)
    trainers = set().union(*(descendants(pid, table) for pid in server_pids)) - servers
    found = {pid: "server" for pid in servers} | {pid: "trainers" for pid in trainers}
    found |= {pid: "browser" for pid in below_root - servers - trainers}
    return {pid: (group, table[pid][1]) for pid, group in found.items() if pid in table}


class CpuRecorder:
    """Samples the groups' CPU time twice a second in a thread, between ``start`` and ``stop``.

    ``use(start, end)`` gives the CPUs each group kept busy between two ``time.monotonic()``
    instants (the window in which a scenario measures), ``series()`` one line per 5 s for a log.
    A process that exits keeps the time of its last sample: stop the recorder before the browser
    closes, or the browser's last half second is lost.
    """

    INTERVAL_S = 0.5

    def __init__(self, server_pids: list[int], root: int | None = None):
        self.server_pids, self.root = list(server_pids), root or os.getpid()
        self.samples: list[tuple[float, dict[int, tuple[str, int]]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.samples.append((time.monotonic(), grouped_ticks(self.server_pids, self.root)))

    def _run(self) -> None:
        self._sample()
        while not self._stop.wait(self.INTERVAL_S):
            self._sample()
        self._sample()                     # the last one, at stop

    def start(self) -> "CpuRecorder":
        """Begin sampling."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """End sampling (takes a last sample)."""
        self._stop.set()
        self._thread.join()

    def _between(self, a: tuple[float, dict], b: tuple[float, dict]) -> dict[str, float]:
        """CPUs busy per group from sample ``a`` to sample ``b``: each process's ticks from its first
        sample in the window (zero if it started after ``a``) to its last (it may have exited)."""
        window = [s for s in self.samples if a[0] <= s[0] <= b[0]]
        first: dict[int, int] = {}
        last: dict[int, tuple[str, int]] = {}
        for index, (_, procs) in enumerate(window):
            for pid, (group, ticks) in procs.items():
                first.setdefault(pid, ticks if index == 0 else 0)
                last[pid] = (group, ticks)
        busy = dict.fromkeys(GROUPS, 0)
        for pid, (group, ticks) in last.items():
            busy[group] += max(0, ticks - first[pid])
        wall = max(b[0] - a[0], 1e-9)
        return {g: busy[g] / CLOCK_TICKS / wall for g in GROUPS}

    def use(self, start: float | None = None, end: float | None = None) -> dict[str, float]:
        """Average CPUs busy per group between two ``time.monotonic()`` instants (default: all of it).

        The window is widened to the samples around it, clipped to the recording.
        """
        first, last = self.samples[0], self.samples[-1]
        begin = first if start is None else max((s for s in self.samples if s[0] <= start), default=first,
                                                 key=lambda s: s[0])
        finish = last if end is None else min((s for s in self.samples if s[0] >= end), default=last,
                                               key=lambda s: s[0])
        return self._between(begin, finish if finish is not begin else last)

    def series(self, every_s: float = 5.0) -> list[str]:
        """The recording as lines "t=  5 s: server 0.40, trainers 0.55, browser 0.98 CPUs"."""
        lines, t0, last = [], self.samples[0][0], self.samples[0]
        for sample in self.samples[1:]:
            if sample[0] - last[0] >= every_s or sample is self.samples[-1]:
                lines.append(f"t={sample[0] - t0:5.1f} s: {describe(self._between(last, sample))}")
                last = sample
        return lines


def describe(use: dict[str, float]) -> str:
    """``use`` as one line: "server 0.62, trainers 0.35, browser 0.98 CPUs"."""
    return ", ".join(f"{group} {use[group]:.2f}" for group in GROUPS) + " CPUs"
