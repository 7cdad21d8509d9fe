"""Ray, for real, on the loopback (the checks are in ``tests/support/ray_checks.py``).

They run in a fresh Python process of their own: Ray keeps per-process state (a driver that
ran a local Ray cannot then drive another cluster's actors, and a driver shares its fate with
the node it joined), so what ran before them in the suite's process must not reach them, nor
may their end take the suite's process with it.
"""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CHECKS = ROOT / "tests" / "support" / "ray_checks.py"


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ray_cluster_backend_and_local_sweeps():
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(CHECKS)],
                            cwd=ROOT, capture_output=True, text=True, timeout=880)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    assert result.stdout.strip().splitlines()[-1].startswith("4 passed"), result.stdout[-2000:]
