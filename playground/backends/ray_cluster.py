"""One connection to Ray per process, made by a thread that lives as long as the process.

``connect()`` starts a local Ray limited to the CPUs this process may use
(``playground.backends.cpus.usable_cpus``), without its dashboard and with a small object store,
unless an address is given or ``RNN_PLAYGROUND_RAY_ADDRESS`` names one (``ray://...`` or
``host:port`` of a ``ray start --head``). Ray is imported here only, and only when a sweep or
the Ray backend needs it: the app starts without it.

Why a thread of its own: a local Ray's GCS and raylet are child processes that Ray starts with
``prctl(PR_SET_PDEATHSIG, SIGKILL)``, and Linux sends that signal when the *thread* that started
them ends, not the process. Started from a sweep's thread (or a page's script thread), the local
Ray died with that thread; the Ray driver left in the server process then failed to reach its GCS
and, after ``gcs_rpc_server_reconnect_timeout_s`` (60 s), terminated the whole server and every
session in it. So every ``ray.init`` and ``ray.shutdown`` of the process runs on one daemon thread,
``ray-owner``, started on first use and never ended: the local Ray lives as long as the server,
whoever asked for it first, and no sweep or page shuts it down. ``start_connect()`` hands the
work to that thread and returns a ``Future``, so a sweep can be cancelled while Ray starts.
Only the main thread, whose end is the process's, does the work itself (the CLI: Ray then
also handles its SIGTERM); one lock keeps the two from starting Ray at once.

A cluster's nodes need this package installed (``pip install -e .`` in a checkout), as the
trials and live runs import it there.
"""
from __future__ import annotations

import logging
import os
import queue
import socket
import threading
from concurrent.futures import Future
from typing import Callable

from playground.backends.cpus import usable_cpus
from playground.errors import PlaygroundError

ADDRESS_ENV = "RNN_PLAYGROUND_RAY_ADDRESS"
OBJECT_STORE_BYTES = 100 * 2**20      # results and snapshots are small; the default takes 30 % of memory
REACH_TIMEOUT_S = 3.0                 # Ray itself retries an unreachable address for minutes

_owner_lock = threading.Lock()
_job_lock = threading.Lock()           # one Ray start or stop at a time, on whichever thread
_owner_jobs: queue.Queue | None = None


def configured_address() -> str | None:
    """The cluster address from the environment, or None for a local Ray."""
    return os.environ.get(ADDRESS_ENV, "").strip() or None


def _owner_loop(jobs: queue.Queue) -> None:
    """The ``ray-owner`` thread: run each job in turn, forever (its end would kill a local Ray)."""
    while True:
        _run(*jobs.get())


def _run(job: Callable, future: Future) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        with _job_lock:
            future.set_result(job())
    except BaseException as err:  # noqa: BLE001 — handed to the caller through the Future
        future.set_exception(err)


def on_owner_thread(job: Callable) -> Future:
    """Run ``job`` on the process's ``ray-owner`` thread (started on first use); its Future.

    Called on the main thread, which lasts as long as the process, ``job`` runs there and then.
    """
    global _owner_jobs
    if threading.current_thread() is threading.main_thread():
        future: Future = Future()
        _run(job, future)
        return future
    with _owner_lock:
        if _owner_jobs is None:
            _owner_jobs = queue.Queue()
            threading.Thread(target=_owner_loop, args=(_owner_jobs,), name="ray-owner", daemon=True).start()
        future = Future()
        _owner_jobs.put((job, future))
    return future


def start_connect(address: str | None = None) -> Future:
    """Connect (or start a local Ray) on the ``ray-owner`` thread; a Future of the ``ray`` module.

    The Future raises PlaygroundError (one line) when Ray is missing or cannot be reached.
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    address = address or configured_address()
    return on_owner_thread(lambda: _init(address))


def connect(address: str | None = None):
    """The ``ray`` module, initialised once per process (a later call with another address reuses the first)."""
    return start_connect(address).result()


def _init(address: str | None):
    """``ray.init`` unless Ray is initialised already; runs on the ``ray-owner`` or the main thread only."""
    try:
        import ray
    except ImportError:
        raise PlaygroundError("Ray is not installed here (pip install -r requirements.txt)") from None
    if ray.is_initialized():
        return ray
    if address:
        check_reachable(address)
    options = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                   configure_logging=False)
    try:
        if address:
            ray.init(address=address, **{k: v for k, v in options.items() if k != "include_dashboard"})
        else:
            # "local": always a new Ray of our own, never one that a `ray start` left on this machine;
            # on the loopback only (and Ray then keeps 127.0.0.1 as this node's address)
            ray.init(address="local", num_cpus=usable_cpus(), object_store_memory=OBJECT_STORE_BYTES,
                     _node_ip_address="127.0.0.1", **options)
    except (ConnectionError, RuntimeError, ValueError, TimeoutError) as err:
        detail = str(err).splitlines()[0][:160] if str(err) else type(err).__name__
        raise PlaygroundError(f"cannot reach Ray at {address or 'a new local Ray'}: {detail}") from None
    return ray


def check_reachable(address: str) -> None:
    """Raise PlaygroundError (one line) unless ``host:port`` (``ray://`` or not) accepts a connection."""
    if address == "auto":
        return
    host, _, port = address.split("://", 1)[-1].rstrip("/").rpartition(":")
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=REACH_TIMEOUT_S):
            pass
    except ValueError:
        raise PlaygroundError(f"Ray address must be host:port or ray://host:port (got '{address[:80]}')") from None
    except OSError as err:
        raise PlaygroundError(f"cannot reach Ray at {address[:80]}: {err.strerror or type(err).__name__}") from None


def cluster_cpus() -> int:
    """CPUs of the connected Ray (at least 1)."""
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def disconnect() -> None:
    """Leave Ray (a local one stops with it); for tools and tests, never called by a sweep or a page."""
    def leave():
        import ray

        if ray.is_initialized():
            ray.shutdown()

    on_owner_thread(leave).result()
