"""What a replica's health view shows: its name, its sessions and its training load.

The name comes from ``RNN_PLAYGROUND_REPLICA`` (set by ``python -m deploy.room``), else a random
name drawn once per process: the view is public, so it never shows a host name, a process id or
a path. An operator's name is cut to ``MAX_NAME`` characters of letters, digits, ``-``, ``_``
and ``.``. The load is the training backend's ``load()`` (trainers, runs held, training and
waiting) and ``load_factor()`` (runs training per trainer).
"""
from __future__ import annotations

import os
import re
import secrets

REPLICA_ENV = "RNN_PLAYGROUND_REPLICA"
MAX_NAME = 32
UNNAMED = f"server-{secrets.token_hex(2)}"      # one name for this process's life, telling nothing about it
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def replica_name() -> str:
    """This server's name in a room of replicas (the operator's, else ``UNNAMED``)."""
    name = _UNSAFE.sub("", os.environ.get(REPLICA_ENV, ""))[:MAX_NAME]
    return name or UNNAMED


def health_report(sessions: int, backend) -> dict:
    """One flat dict: replica, sessions, and the backend's load (trainers, runs, training, waiting, load factor)."""
    load = backend.load()
    return {"replica": replica_name(), "sessions": sessions, "trainers": load["workers"], "runs": load["runs"],
            "training": load["training"], "waiting": load["waiting"],
            "load_factor": round(backend.load_factor(), 2), "backend": type(backend).__name__}
