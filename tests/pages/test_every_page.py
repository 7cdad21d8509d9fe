"""Every page renders without an exception, run through the real entrypoint and navigation.

Pages run inside ``playground/app.py`` (AppTest.switch_page) rather than on their own,
so ``st.page_link`` and ``st.switch_page`` resolve against the registered pages, as in
the browser.
"""
import subprocess
import sys
from pathlib import Path

import pytest

from page_runner import open_page

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("name", PAGE_FILES)
def test_page_renders_without_exception(name):
    at = open_page(name)
    assert not at.exception, [e.value for e in at.exception]


def test_home_shows_every_gallery_link():
    from playground.gallery import GALLERY, TOPOLOGIES

    at = open_page("home.py")
    assert not at.exception
    links = [el.proto for el in at.main.get("page_link")]
    labelled = {(link.page, link.query_string) for link in links}
    for entry in list(GALLERY) + list(TOPOLOGIES):
        url_path = "model" if entry.page == "model_io" else entry.page
        assert (url_path, entry.query_string()) in labelled, entry


def test_core_imports_do_not_load_streamlit():
    """Every module of ``models`` and ``playground`` but ``playground.ui`` and the entrypoint imports without Streamlit."""
    code = (
        "import importlib, pkgutil, sys, models, playground\n"
        "names = [m.name for pkg in (models, playground) for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.')\n"
        "         if not m.name.startswith('playground.ui') and m.name not in ('playground.app', 'playground.__main__')]\n"
        "assert len(names) > 30, names\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "assert not bad, bad[:5]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
