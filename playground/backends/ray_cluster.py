"""One connection to Ray per process: a local Ray sized to this machine, or a cluster's address.

``connect()`` starts a local Ray limited to the CPUs this process may use
(``playground.backends.cpus.usable_cpus``), without its dashboard and with a small object store,
unless an address is given or ``RNN_PLAYGROUND_RAY_ADDRESS`` names one (``ray://...`` or
``host:port`` of a ``ray start --head``). Ray is imported here only, and only when a sweep or
the Ray backend needs it: the app starts without it.

A cluster's nodes need this package installed (``pip install -e .`` in a checkout), as the
trials and live runs import it there.
"""
from __future__ import annotations

import logging
import os
import socket
import threading

from playground.backends.cpus import usable_cpus
from playground.errors import PlaygroundError

ADDRESS_ENV = "RNN_PLAYGROUND_RAY_ADDRESS"
OBJECT_STORE_BYTES = 100 * 2**20      # results and snapshots are small; the default takes 30 % of memory
REACH_TIMEOUT_S = 3.0                 # Ray itself retries an unreachable address for minutes

_lock = threading.Lock()


def configured_address() -> str | None:
    """The cluster address from the environment, or None for a local Ray."""
    return os.environ.get(ADDRESS_ENV, "").strip() or None


def connect(address: str | None = None):
    """The ``ray`` module, initialised once (a later call with another address reuses the first)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError:
        raise PlaygroundError("Ray is not installed here (pip install -r requirements.txt)") from None
    address = address or configured_address()
    with _lock:
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
    """Leave Ray (a local one stops with it)."""
    import ray

    with _lock:
        if ray.is_initialized():
            ray.shutdown()
