"""A local `streamlit run` of the app for the browser tests, the screenshots and the UI benchmark.

Starting and stopping a server is the product's own (``deploy/replica.py``, which the room
uses for its replicas); this module re-exports it for the tools and tests. ``CHROMIUM`` and
``CHROMIUM_ARGS`` are how every one of those tools launches Debian's headless Chromium.
"""
from __future__ import annotations

from deploy.replica import ROOT, START_TIMEOUT_S, free_port, healthy, server_log, start_server, stop_server

__all__ = ["ROOT", "START_TIMEOUT_S", "CHROMIUM", "CHROMIUM_ARGS", "free_port", "healthy", "server_log",
           "start_server", "stop_server"]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
