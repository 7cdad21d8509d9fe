"""One object per server process, made on first use: the worker pool, the Ray backend, the saved runs.

``ProcessWide(make)`` calls ``make(*args)`` the first time ``get(*args)`` is called, from whichever
thread comes first, and hands every later caller the same object (later arguments are ignored). ``peek()`` returns it without making
it (None before the first ``get``).
"""
from __future__ import annotations

import threading
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class ProcessWide(Generic[T]):
    """A lazily made, process-wide object (thread-safe)."""

    def __init__(self, make: Callable[[], T]):
        self._make = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self, *args) -> T:
        """The object, made now from ``args`` if this is the first call."""
        with self._lock:
            if self._value is None:
                self._value = self._make(*args)
            return self._value

    def peek(self) -> T | None:
        """The object if it has been made, else None."""
        return self._value
