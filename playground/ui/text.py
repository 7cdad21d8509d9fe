"""Explanatory page text, kept in markdown files under ``pages/text/`` (STYLE rule 13)."""
from __future__ import annotations

from functools import lru_cache

from playground.markup import markdown_with_math
from playground.ui.page_files import PAGES_DIR

TEXT_DIR = PAGES_DIR / "text"


@lru_cache(maxsize=None)
def page_text(name: str) -> str:
    """The markdown of ``pages/text/<name>.md`` (read once per process), display maths on one line each."""
    return markdown_with_math((TEXT_DIR / f"{name}.md").read_text(encoding="utf-8"))
