"""Which training backend a server uses: the embedded worker pool, or Ray when a cluster is configured.

``RNN_PLAYGROUND_RAY_ADDRESS`` set (``host:port`` of a ``ray start --head``, or ``ray://...``):
each live run is a Ray actor (``playground.ray_backend``). Unset (the default): worker processes
on this machine (``playground.pool``); Ray is then never imported, so the app starts without it.
"""
from __future__ import annotations

from playground.ray_cluster import configured_address


def default_backend():
    """The process-wide training backend (a ``playground.engine.TrainingBackend``)."""
    address = configured_address()
    if address:
        from playground.ray_backend import default_ray_backend

        return default_ray_backend(address)
    from playground.pool import default_pool

    return default_pool()
