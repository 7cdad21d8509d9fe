"""Read-only properties that hand on an attribute of something an object holds."""
from __future__ import annotations

from operator import attrgetter


def delegated(path: str, doc: str) -> property:
    """A read-only property returning ``self.<path>`` (a dotted path, e.g. ``"view.step"``)."""
    return property(attrgetter(path), doc=doc)
