"""Run the app for a room: N Streamlit replicas and nginx in front of them, on this machine.

    python -m deploy.room --replicas 2 --port 8080       # then open http://127.0.0.1:8080
    make room REPLICAS=4 PORT=8080

Each replica is a ``streamlit run playground/app.py`` (``deploy/replica.py``) on a free loopback port with its own
worker pool, named ``r0``, ``r1``, ... (``RNN_PLAYGROUND_REPLICA``, shown on its /health page);
all share one cookie secret, so a browser that falls over to another replica keeps working.
nginx runs as a child (not a daemon) with its configuration, pid file and temp folders in a
temporary folder of its own, and limits what one client address may open and ask
(``--people-per-address``, see ``deploy/nginx.py``). Ctrl-C (or SIGTERM) stops nginx, then every replica.
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

from deploy.nginx import ClientLimits, render, replica_name
from playground.cli import OneLineParser
from playground.backends.health import REPLICA_ENV
from deploy.replica import free_port, healthy, start_server, stop_server

MAX_REPLICAS = 32
MAX_PEOPLE_PER_ADDRESS = 1000
NGINX_START_S = 30


def nginx_binary() -> str:
    """The nginx executable (Debian installs it in /usr/sbin, often off a user's PATH)."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if Path(p).exists()), None)
    if found is None:
        raise RuntimeError("nginx is not installed: run `make nginx` (apt-get install nginx)")
    return found


def start_nginx(ports: list[int], folder: Path, port: int, limits: ClientLimits = ClientLimits()):
    """nginx (a child, not a daemon) on 127.0.0.1:``port`` in front of replicas on ``ports``.

    Its configuration, pid, log (``nginx.log``) and temp folders live in ``folder``, which must
    sit in a folder everyone may pass through (such as /tmp): started as root, nginx's workers run
    as an unprivileged user and write the uploads they spool to disk into ``folder/client_body``.
    Returns (process, URL) once the room answers its health check through nginx.
    """
    folder.chmod(0o711)             # the workers may pass through to their temp folders, not list it
    conf = folder / "nginx.conf"
    conf.write_text(render(ports, f"127.0.0.1:{port}", folder, limits=limits))
    with open(folder / "nginx.log", "wb") as log:
        proc = subprocess.Popen([nginx_binary(), "-p", str(folder), "-c", str(conf), "-e", "stderr",
                                 "-g", "daemon off;"], stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + NGINX_START_S
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_nginx(proc)
            raise RuntimeError(f"nginx did not start: {(folder / 'nginx.log').read_text()[-2000:]}")
        time.sleep(0.2)
    return proc, url


def stop_nginx(proc: subprocess.Popen) -> None:
    """Stop nginx gracefully (finishing the requests in flight), killing it if it lingers."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class Room:
    """N replicas and nginx; ``start()``, ``stop_replica(k)``, ``stop()``; ``url`` is the room's address."""

    def __init__(self, replicas: int = 2, port: int = 0, options: tuple[str, ...] = (),
                 limits: ClientLimits = ClientLimits()):
        self.count = replicas
        self.port = port
        self.options = options
        self.limits = limits
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
        ports = [int(url.rsplit(":", 1)[1]) for _, url in self.replicas]
        self.nginx, self.url = start_nginx(ports, self.dir, self.port or free_port(), self.limits)

    def stop_replica(self, index: int) -> None:
        """Stop one replica (its sessions end; the others' go on)."""
        replica = self.replicas[index]
        if replica is not None:
            stop_server(replica[0])
            self.replicas[index] = None

    def stop(self) -> None:
        """Stop nginx, then every replica; remove the temporary folder."""
        if self.nginx is not None:
            stop_nginx(self.nginx)
        for index in range(len(self.replicas)):
            self.stop_replica(index)
        shutil.rmtree(self.dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Start a room and hold it until Ctrl-C or SIGTERM."""
    parser = OneLineParser(prog="python -m deploy.room", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help=f"app replicas (1..{MAX_REPLICAS})")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1")
    parser.add_argument("--people-per-address", type=int, default=ClientLimits.people,
                        help="people who may share one client address (a class behind one NAT); nginx's "
                             f"per-address connection and request limits scale with it (1..{MAX_PEOPLE_PER_ADDRESS})")
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= MAX_REPLICAS:
        parser.exit(2, f"error: --replicas must be between 1 and {MAX_REPLICAS} (got {args.replicas})\n")
    if not 1 <= args.port <= 65535:
        parser.exit(2, f"error: --port must be between 1 and 65535 (got {args.port})\n")
    if not 1 <= args.people_per_address <= MAX_PEOPLE_PER_ADDRESS:
        parser.exit(2, f"error: --people-per-address must be between 1 and {MAX_PEOPLE_PER_ADDRESS} "
                       f"(got {args.people_per_address})\n")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    room = Room(args.replicas, args.port, limits=ClientLimits(people=args.people_per_address))
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
