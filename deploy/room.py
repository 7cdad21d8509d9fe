"""Run the app for a room: N Streamlit replicas and nginx in front of them, on this machine.

    python -m deploy.room --replicas 2 --port 8080       # then open http://127.0.0.1:8080
    make room REPLICAS=4 PORT=8080

Each replica is a ``streamlit run playground/app.py`` (``deploy/replica.py``) on a free loopback port with its own
worker pool, named ``r0``, ``r1``, ... (``RNN_PLAYGROUND_REPLICA``, shown on its /health page);
all share one cookie secret, so a browser that falls over to another replica keeps working.
nginx runs as a child (not a daemon) with its configuration, pid file and temp folders in a
temporary folder of its own. Ctrl-C (or SIGTERM) stops nginx, then every replica.
"""
from __future__ import annotations

import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deploy.nginx import render, replica_name
from playground.cli import OneLineParser
from playground.backends.health import REPLICA_ENV
from deploy.replica import free_port, healthy, start_server, stop_server

MAX_REPLICAS = 32
NGINX_START_S = 30


def nginx_binary() -> str:
    """The nginx executable (Debian installs it in /usr/sbin, often off a user's PATH)."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if Path(p).exists()), None)
    if found is None:
        raise RuntimeError("nginx is not installed: run `make nginx` (apt-get install nginx)")
    return found


class Room:
    """N replicas and nginx; ``start()``, ``stop_replica(k)``, ``stop()``; ``url`` is the room's address."""

    def __init__(self, replicas: int = 2, port: int = 0, options: tuple[str, ...] = ()):
        self.count = replicas
        self.port = port
        self.options = options
        self.replicas: list[tuple[subprocess.Popen, str] | None] = []
        self.nginx: subprocess.Popen | None = None
        self.dir = Path(tempfile.mkdtemp(prefix="rnn-room-"))
        self.url = ""

    def start(self) -> "Room":
        """Start the replicas, then nginx; returns once the room answers through nginx."""
        cookie_secret = secrets.token_hex(16)
        try:
            for index in range(self.count):
                self.replicas.append(start_server(
                    options=self.options,
                    env={REPLICA_ENV: replica_name(index), "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}))
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_nginx(self) -> None:
        port = self.port or free_port()
        ports = [int(url.rsplit(":", 1)[1]) for _, url in self.replicas]
        conf = self.dir / "nginx.conf"
        conf.write_text(render(ports, f"127.0.0.1:{port}", self.dir))
        self.log = open(self.dir / "nginx.log", "wb")
        self.nginx = subprocess.Popen([nginx_binary(), "-p", str(self.dir), "-c", str(conf), "-e", "stderr",
                                       "-g", "daemon off;"], stdin=subprocess.DEVNULL, stdout=self.log,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + NGINX_START_S
        while not healthy(self.url):
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {(self.dir / 'nginx.log').read_text()[-2000:]}")
            time.sleep(0.2)

    def stop_replica(self, index: int) -> None:
        """Stop one replica (its sessions end; the others' go on)."""
        replica = self.replicas[index]
        if replica is not None:
            stop_server(replica[0])
            self.replicas[index] = None

    def stop(self) -> None:
        """Stop nginx, then every replica; remove the temporary folder."""
        if self.nginx is not None and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)          # graceful: finish the requests in flight
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait(timeout=10)
        for index in range(len(self.replicas)):
            self.stop_replica(index)
        if getattr(self, "log", None) is not None:
            self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Start a room and hold it until Ctrl-C or SIGTERM."""
    parser = OneLineParser(prog="python -m deploy.room", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help=f"app replicas (1..{MAX_REPLICAS})")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.exit(2, f"error: --replicas must be between 1 and {MAX_REPLICAS} (got {args.replicas})\n")
    if not 1 <= args.port <= 65535:
        parser.exit(2, f"error: --port must be between 1 and 65535 (got {args.port})\n")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    room = Room(args.replicas, args.port)
    try:
        room.start()
        print(f"{args.replicas} replicas behind nginx at {room.url} (Ctrl-C stops them)", flush=True)
        while room.nginx.poll() is None:
            time.sleep(1)
        print("nginx stopped; stopping the replicas", file=sys.stderr)
        return 1
    except RuntimeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        room.stop()


if __name__ == "__main__":
    sys.exit(main())
