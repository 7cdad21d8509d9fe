"""Uploads are bounded on the server: a file over its uploader's limit or over the session's total
is refused with one line and its bytes are let go before anything reads it."""
from __future__ import annotations

import io
from dataclasses import dataclass

import pytest

from playground.ui import upload_guard


@dataclass
class Record:
    data: bytes


class Manager:
    """Streamlit's in-memory uploaded-file manager, reduced to what the guard uses."""

    def __init__(self):
        self.file_storage = {"s": {}}

    def remove_file(self, session_id, file_id):
        self.file_storage[session_id].pop(file_id, None)


class Upload(io.BytesIO):
    def __init__(self, file_id, size, manager):
        super().__init__(b"")
        self.file_id, self.size = file_id, size
        manager.file_storage["s"][file_id] = Record(b"x" * size)


@pytest.fixture
def server(monkeypatch):
    manager, errors = Manager(), []
    monkeypatch.setattr(upload_guard, "_manager_and_session", lambda: (manager, "s"))
    monkeypatch.setattr(upload_guard.st, "error", lambda text, **kwargs: errors.append(text))
    return manager, errors


def held(manager):
    return set(manager.file_storage["s"])


def test_a_file_over_its_uploaders_limit_is_refused_and_let_go(server):
    manager, errors = server
    upload = Upload("big", 2000, manager)
    assert upload_guard.admitted(upload, limit_bytes=1000, session_bytes=10_000) is None
    assert held(manager) == set() and len(errors) == 1 and "the limit is" in errors[0]


def test_the_sessions_uploads_together_are_capped(server):
    manager, errors = server
    first = Upload("first", 800, manager)
    assert upload_guard.admitted(first, limit_bytes=1000, session_bytes=1500) is first
    second = Upload("second", 800, manager)
    assert upload_guard.admitted(second, limit_bytes=1000, session_bytes=1500) is None
    assert held(manager) == {"first"} and "per session" in errors[0]
    assert upload_guard.admitted(first, limit_bytes=1000, session_bytes=1500) is first    # the earlier one stays


def test_the_session_cap_takes_every_uploader_together():
    assert upload_guard.SESSION_UPLOAD_BYTES < 3 * 24 * 2**20       # not a server limit per uploader
