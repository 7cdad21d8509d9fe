"""The load generator holds 10 simulated sessions of /train for 20 s on a real server it starts.

Run as its command (``python -m tools.load``) in a process of its own: Locust's gevent patches
sockets and threads, which must not leak into the test process. Checks that every session
received live updates and that both reports were written; asserts no timing.
"""
import json
import subprocess
import sys

import pytest

from tools.local_server import ROOT

SMALL_QUERY = "arch=gru&task=adding&seq_len=20&hidden=16"      # a small model: the test is about the protocol
pytestmark = pytest.mark.slow
SESSIONS = 10
DURATION_S = 20
LIMIT_S = 240          # a bound on a stuck run, far above its usual minute


def test_ten_sessions_receive_updates_and_the_report_is_written(tmp_path):
    out = tmp_path / "report"
    done = subprocess.run([sys.executable, "-m", "tools.load", "--sessions", str(SESSIONS), "--duration",
                           str(DURATION_S), "--spawn-rate", "5", "--query", SMALL_QUERY, "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=LIMIT_S)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads((out / "load.json").read_text())
    (phase,) = report["phases"]
    assert phase["sessions"] == SESSIONS
    assert all(row["updates"] > 0 for row in phase["rows"]), phase["rows"]
    assert all(row["start_to_first_update_s"] is not None for row in phase["rows"])
    assert not phase["server_down_at_end"]
    assert phase["server"]["rss_mb"] > 0 and "cpus" in phase["server"]
    table = (out / "load.md").read_text()
    assert table.count("\n| s0") == SESSIONS
