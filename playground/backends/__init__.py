"""Which training backend a server uses: the embedded worker pool, or Ray when a cluster is configured.

``RNN_PLAYGROUND_RAY_ADDRESS`` set (``host:port`` of a ``ray start --head``, or ``ray://...``):
each live run is a Ray actor (``playground.backends.ray_backend``). Unset (the default): worker processes
on this machine (``playground.backends.pool``); Ray is then never imported, so the app starts without it.
A cluster that cannot be reached when the server first needs it is logged once and the server
trains in its own pool instead: pages keep working (the health page names the backend).
"""
from __future__ import annotations

import logging

from playground.errors import PlaygroundError
from playground.backends.ray_cluster import configured_address

log = logging.getLogger(__name__)
_unreachable: str | None = None       # the reason the configured cluster was given up on


def default_backend():
    """The process-wide training backend (a ``playground.backends.interface.TrainingBackend``)."""
    global _unreachable
    address = configured_address()
    if address and _unreachable is None:
        from playground.backends.ray_backend import default_ray_backend

        try:
            return default_ray_backend(address)
        except PlaygroundError as err:
            _unreachable = str(err)
            log.warning("training in this server's own worker pool: %s", err)
    from playground.backends.pool import default_pool

    return default_pool()
