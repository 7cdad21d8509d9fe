"""How many CPUs this process may really use: affinity and the cgroup's CPU quota.

``os.cpu_count()`` counts the machine's cores; a container limited by a cgroup quota
(``cpu.max`` in cgroup v2, ``cpu.cfs_quota_us`` in v1) or a process pinned with
``taskset`` may use fewer. The worker pool is sized from this number.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def affinity_cpus() -> int:
    """CPUs in this process's affinity mask (``taskset``), or ``os.cpu_count()`` where unknown."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def quota_cpus(root: Path = CGROUP_ROOT) -> float | None:
    """The cgroup CPU quota in CPUs (e.g. 1.5), or None when there is none or it cannot be read."""
    candidates = [(root / "cpu.max", None), (root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us"),
                  (root / "cpu,cpuacct" / "cpu.cfs_quota_us", root / "cpu,cpuacct" / "cpu.cfs_period_us")]
    for quota_file, period_file in candidates:
        try:
            if period_file is None:                       # cgroup v2: "max 100000" or "150000 100000"
                quota, period = quota_file.read_text().split()[:2]
            else:                                         # cgroup v1: "-1" means no quota
                quota, period = quota_file.read_text().strip(), period_file.read_text().strip()
        except (OSError, ValueError):
            continue
        if quota in ("max", "-1"):
            return None
        try:
            value = int(quota) / int(period)
        except (ValueError, ZeroDivisionError):
            continue
        return value if value > 0 else None
    return None


def usable_cpus(root: Path = CGROUP_ROOT) -> int:
    """Whole CPUs this process may use: the smaller of its affinity and its cgroup quota (at least 1)."""
    cpus = affinity_cpus()
    quota = quota_cpus(root)
    if quota is not None:
        cpus = min(cpus, math.floor(quota))
    return max(1, cpus)
