"""Start and stop one `streamlit run` of the app on a loopback port: a replica of a room.

``start_server()`` starts ``playground/app.py`` on a free loopback port and waits for its
health check; ``stop_server()`` ends its whole process group. The server's output goes to a
temporary log file (a pipe nobody reads would fill up and stall a long-running server),
shown in the error when the server does not come up. ``python -m deploy.room`` starts its
replicas through here; the test and measuring tools reuse it.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    """True when the server at ``url`` answers its health check with 'ok'."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


def start_server(timeout_s: float = START_TIMEOUT_S, options: tuple[str, ...] = (),
                 script: str = "playground/app.py", prefix: tuple[str, ...] = (),
                 env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start the app on a free loopback port; return (process, base URL) once it is healthy.

    ``options`` are extra ``streamlit run`` flags (e.g. ``("--server.disconnectedSessionTTL", "2")``);
    ``script`` runs another Streamlit script; ``prefix`` goes before the command (e.g. ``("taskset", "-c", "0")``);
    ``env`` adds environment variables (e.g. a replica's name).
    """
    port = free_port()
    env = dict(os.environ, **(env or {}),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    cmd = [*prefix, sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *options]
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    proc.log = log
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{script} exited with {proc.returncode}:\n{server_log(proc)}")
        if healthy(url):
            return proc, url
        time.sleep(0.3)
    output = server_log(proc)
    stop_server(proc)
    raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within {timeout_s:.0f} s:\n{output}")


def server_log(proc: subprocess.Popen) -> str:
    """What the server has printed so far (its last 4000 characters)."""
    proc.log.seek(0)
    return proc.log.read().decode(errors="replace")[-4000:]


def stop_server(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group; kill it if it lingers."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    proc.log.close()
