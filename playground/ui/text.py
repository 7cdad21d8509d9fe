"""Explanatory page text, kept in markdown files under ``pages/text/`` (STYLE rule 13)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

TEXT_DIR = Path(__file__).resolve().parents[2] / "pages" / "text"


@lru_cache(maxsize=None)
def page_text(name: str) -> str:
    """Return the markdown of ``pages/text/<name>.md`` (read once per process)."""
    return (TEXT_DIR / f"{name}.md").read_text(encoding="utf-8")
