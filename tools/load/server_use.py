"""The target's CPU and memory while the class trains: its servers, their trainers, the proxy.

CPU comes from ``tools/cpu_use.py``'s recorder (``/proc`` ticks; in a room nginx falls in its
third group, reported here as the proxy). Memory is the resident set of every server and
trainer process, sampled with the CPU, so a run can report the memory per live session
(the rise over the idle server, divided by the sessions) and the peak during an attack.
"""
from __future__ import annotations

import time

import psutil

from tools.cpu_use import CpuRecorder


def tree_rss(pids: list[int]) -> int:
    """Bytes resident in ``pids`` and all their descendants now."""
    total = 0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
    return total


class ServerUse(CpuRecorder):
    """``CpuRecorder`` of the target's server pids that also samples their memory (``rss(start, end)``)."""

    def __init__(self, server_pids: list[int]):
        super().__init__(server_pids)
        self.memory: list[tuple[float, int]] = []

    def _sample(self) -> None:
        super()._sample()
        self.memory.append((time.monotonic(), tree_rss(self.server_pids)))

    def rss(self, start: float | None = None, end: float | None = None) -> tuple[int, int]:
        """(last, peak) resident bytes sampled between two ``time.monotonic()`` instants."""
        window = [m for t, m in self.memory if (start is None or t >= start) and (end is None or t <= end)]
        window = window or [self.memory[-1][1]]
        return window[-1], max(window)

    def cpus(self, start: float, end: float) -> dict[str, float]:
        """CPUs kept busy between two instants: server, trainers, proxy."""
        use = self.use(start, end)
        return {"server": use["server"], "trainers": use["trainers"], "proxy": use["browser"]}
