"""The app's pages as files: ``playground/navigation.toml`` lists them, ``pages/`` holds them.

``st.navigation`` registers each page by its file, and ``st.page_link`` and ``st.switch_page``
find a page by that same file, so every link in the app names its target through ``page_file``.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
NAVIGATION = Path(__file__).resolve().parents[1] / "navigation.toml"   # sections and their pages, in order


@lru_cache(maxsize=1)
def navigation() -> tuple[dict, ...]:
    """The sections of ``navigation.toml``: each a name and its pages (file, title, icon, url)."""
    return tuple(tomllib.loads(NAVIGATION.read_text(encoding="utf-8"))["section"])


def page_file(name: str) -> str:
    """The file of the page whose ``file`` entry is ``name`` (e.g. "train"); ValueError if none is."""
    files = [page["file"] for section in navigation() for page in section["pages"]]
    if name not in files:
        raise ValueError(f"no page '{name}' in {NAVIGATION.name}; pages: {', '.join(files)}")
    return str(PAGES_DIR / f"{name}.py")
