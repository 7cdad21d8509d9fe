"""What a replica's health view shows: its name, its sessions and its training load.

The name comes from ``RNN_PLAYGROUND_REPLICA`` (set by ``python -m deploy.room``), else the
host name and process id. The load is the training backend's ``load()`` (trainers, runs held,
training and waiting) and ``load_factor()`` (runs training per trainer).
"""
from __future__ import annotations

import os
import socket

REPLICA_ENV = "RNN_PLAYGROUND_REPLICA"


def replica_name() -> str:
    """This server's name in a room of replicas."""
    return os.environ.get(REPLICA_ENV, "").strip() or f"{socket.gethostname()}:{os.getpid()}"


def health_report(sessions: int, backend) -> dict:
    """One flat dict: replica, sessions, and the backend's load (trainers, runs, training, waiting, load factor)."""
    load = backend.load()
    return {"replica": replica_name(), "sessions": sessions, "trainers": load["workers"], "runs": load["runs"],
            "training": load["training"], "waiting": load["waiting"],
            "load_factor": round(backend.load_factor(), 2), "backend": type(backend).__name__}
