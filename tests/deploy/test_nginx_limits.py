"""The room's nginx (real, started here) limits each client address and spools large bodies to disk.

The replicas are stood in for by a small HTTP server (the limits act in nginx, before any
replica sees a request), and nginx runs with the limits for one person per address so a few
requests go over them. 127.0.0.1 and 127.0.0.2 are two client addresses (all of 127/8 is
loopback on Linux).
"""
import http.client
import os
import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from deploy.nginx import ClientLimits
from deploy.replica import free_port
from deploy.room import start_nginx, stop_nginx
from nginx_required import require_nginx

pytestmark = pytest.mark.slow
ONE = ClientLimits(people=1)
FIRST, SECOND = "127.0.0.1", "127.0.0.2"
HOLD_S = 20                          # the longest a held request waits (the test releases them sooner)


class Replica(BaseHTTPRequestHandler):
    """Answers everything with 200; ``/hold`` waits until the test releases it."""

    release = threading.Event()
    protocol_version = "HTTP/1.1"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path == "/hold":
            self.release.wait(HOLD_S)
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def proxy():
    require_nginx()
    replica = ThreadingHTTPServer(("127.0.0.1", free_port()), Replica)
    threading.Thread(target=replica.serve_forever, daemon=True).start()
    folder = Path(tempfile.mkdtemp(prefix="rnn-nginx-"))        # as the room's: nginx's workers reach it
    port = free_port()
    proc, _ = start_nginx([replica.server_address[1]], folder, port, ONE)
    yield port, folder
    Replica.release.set()
    stop_nginx(proc)
    replica.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


def status(port: int, client: str, path: str, method: str = "GET", body: bytes | None = None) -> int:
    """The status nginx answers ``client`` for one request."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=HOLD_S + 10, source_address=(client, 0))
    try:
        conn.request(method, path, body=body, headers={"Connection": "close"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_websocket_upgrades_over_the_burst_are_refused_for_that_address_only(proxy):
    port, _ = proxy
    first = [status(port, FIRST, "/_stcore/stream") for _ in range(2 * ONE.people + 4)]
    assert first[0] == 200 and 429 in first, first
    assert status(port, SECOND, "/_stcore/stream") == 200


def test_uploads_over_the_burst_are_refused_and_large_bodies_go_to_disk(proxy):
    port, folder = proxy
    body = os.urandom(4 * ONE.body_buffer_kb * 1024)
    first = [status(port, FIRST, "/_stcore/upload_file/s/f", "PUT", body) for _ in range(ONE.people + 4)]
    assert first[0] == 200 and 429 in first, first
    assert status(port, SECOND, "/_stcore/upload_file/s/f", "PUT", body) == 200
    assert "buffered to a temporary file" in (folder / "nginx.log").read_text()


def test_connections_over_the_limit_are_refused_while_another_address_is_served(proxy):
    port, _ = proxy
    limit = int(ONE.fills()["CONNECTIONS"])
    Replica.release.clear()
    with ThreadPoolExecutor(limit + 4) as pool:
        held = [pool.submit(status, port, FIRST, "/hold") for _ in range(limit + 4)]
        first_answer = next(as_completed(held, timeout=HOLD_S))      # the refused are answered while the rest wait
        assert first_answer.result() == 503
        assert status(port, SECOND, "/") == 200
        Replica.release.set()
        answers = [f.result(timeout=HOLD_S + 10) for f in held]
    assert answers.count(200) >= 1 and set(answers) <= {200, 503}, answers
    assert status(port, FIRST, "/") == 200                  # under the limit again once the held ones end
