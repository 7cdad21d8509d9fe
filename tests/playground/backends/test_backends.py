"""Backend choice: the embedded pool by default, and when the configured Ray cluster cannot be reached."""
import logging
import socket
import subprocess
import sys

from playground import backends
from playground.backends.pool import ProcessPool


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]             # closed again once the socket is


def test_an_unreachable_cluster_falls_back_to_the_pool_once(monkeypatch, caplog):
    monkeypatch.setenv("RNN_PLAYGROUND_RAY_ADDRESS", f"127.0.0.1:{closed_port()}")
    monkeypatch.setattr(backends, "_unreachable", None)
    with caplog.at_level(logging.WARNING, logger="playground.backends"):
        first, second = backends.default_backend(), backends.default_backend()
    assert isinstance(first, ProcessPool) and second is first
    assert len([r for r in caplog.records if "cannot reach Ray" in r.getMessage()]) == 1


def test_without_a_cluster_the_app_never_imports_ray():
    code = ("import sys\nfrom playground.backends import default_backend\nfrom playground.backends.pool import ProcessPool\n"
            "import playground.ui.live_session\nassert 'ray' not in sys.modules\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={k: v for k, v in __import__("os").environ.items() if k != "RNN_PLAYGROUND_RAY_ADDRESS"})
    assert result.returncode == 0, result.stderr
