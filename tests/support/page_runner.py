"""Open a page of the app in Streamlit's AppTest, as a link would, and check it ran cleanly.

``open_page("train", {"arch": "gru"})`` runs the entrypoint ``playground/app.py`` once (the app
frame and the navigation), puts ``state`` in the session, switches to ``pages/train.py`` with
``query`` in the URL and runs it. ``direct=True`` runs the page file on its own instead (a test
that wants the page without the entrypoint's frame). Unless ``check=False``, the run must end
without an exception.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from streamlit.testing.v1 import AppTest

from playground.ui.page_files import PAGES_DIR

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "playground" / "app.py"
TIMEOUT_S = 180            # generous: CI machines have two busy cores


def page_file(page: str) -> Path:
    """``pages/<page>.py`` (``page`` with or without its ``.py``)."""
    return PAGES_DIR / (page if page.endswith(".py") else f"{page}.py")


def assert_clean(at: AppTest) -> AppTest:
    """``at`` after checking that its last run raised no exception."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(page: str = "home", query: Mapping[str, str] | None = None, state: Mapping[str, Any] | None = None,
              *, timeout: float = TIMEOUT_S, direct: bool = False, check: bool = True) -> AppTest:
    """Run ``page`` with ``query`` in the URL and ``state`` in the session; see the module docstring."""
    if direct:
        at = AppTest.from_file(str(page_file(page)), default_timeout=timeout)
    else:
        at = AppTest.from_file(str(APP), default_timeout=timeout)
        at.run()
    for key, value in (state or {}).items():
        at.session_state[key] = value
    if not direct and page_file(page).name != "home.py":
        at.switch_page(f"../pages/{page_file(page).name}")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return assert_clean(at) if check else at


def live_tiles(at: AppTest) -> dict:
    """What the page's live tiles component was last given (``playground.figures.tiles.tiles_payload``):
    ``tiles`` (each a dict with ``label``, ``value``, ``delta``...), ``caption`` and ``status``."""
    import json

    for element in at.get("bidi_component"):
        data = json.loads(element.proto.json)
        if "tiles" in data:
            return data
    raise AssertionError("no live tiles on the page")


def tile_values(at: AppTest) -> dict[str, dict]:
    """The live tiles by label: each tile's dict (``value``, ``delta``, ``tone``, ``help``)."""
    return {tile["label"]: tile for tile in live_tiles(at)["tiles"]}


def drawn_figures(at: AppTest) -> list[dict]:
    """Every chart the page drew, as ``{"data": [...], "layout": {...}}``: a ``live_chart``'s figure, a live data
    chart's trace styles and whole layout (an AppTest run is a full run, so both are sent), or an
    ``st.plotly_chart``'s spec."""
    import json

    found = []
    for element in [*at.get("bidi_component"), *at.get("plotly_chart")]:
        data = json.loads(element.proto.json) if hasattr(element.proto, "json") else {}
        if "styles" in data:
            found.append({"data": data["styles"], "layout": data.get("layout", {})})
        else:
            found.append(data.get("figure") or data.get("spec") or data)
    return found


CHART_PAYLOAD_KEYS = ("figure", "arrays", "series")     # live_chart, live_data_chart, live_points_chart


def drawn_charts(at: AppTest) -> list:
    """The page's charts: every ``st.plotly_chart`` and every live chart component (not the tiles, nor the
    app frame's hidden plotly.js preload, which are components too)."""
    import json

    def is_chart(element) -> bool:
        data = json.loads(element.proto.json) if getattr(element.proto, "json", "") else {}
        return any(key in data for key in CHART_PAYLOAD_KEYS)

    return [*at.get("plotly_chart"), *[e for e in at.get("bidi_component") if is_chart(e)]]
