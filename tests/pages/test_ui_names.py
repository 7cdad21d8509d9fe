"""The UI modules follow one naming convention (CONTRIBUTING.md, "How we write code")."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "playground" / "ui"
HELPERS = {"__init__", "frame", "keys", "widgets", "presses", "url_state", "page_files", "text", "live_chart",
           "live_chart_js", "live_points_chart", "live_data_chart", "live_tiles", "plotly_preload", "talk_keys", "upload_guard", "browser_identity"}
OLD_SUFFIXES = ("_panel", "_view")      # the names drawing functions had before the convention


def test_every_ui_module_draws_panels_holds_session_state_or_is_a_named_helper():
    odd = [path.stem for path in UI.glob("*.py")
           if path.stem not in HELPERS and not path.stem.endswith(("_panels", "_session"))]
    assert odd == []


def test_no_drawing_function_keeps_an_old_suffix():
    """A function of a UI module that draws ends in ``_ui``; none ends in ``_panel`` or ``_view``."""
    found = [f"{path.stem}.{node.name}" for path in UI.glob("*.py")
             for node in ast.walk(ast.parse(path.read_text("utf-8")))
             if isinstance(node, ast.FunctionDef) and node.name.endswith(OLD_SUFFIXES)]
    assert found == []


def test_a_pages_fragments_end_in_fragment():
    """A page's ``@st.fragment`` function ends in ``_fragment``: it reruns on its own, drawing what the
    ``_ui`` functions of ``playground/ui`` draw."""
    odd = [f"{path.stem}.{node.name}" for path in (ROOT / "pages").glob("*.py")
           for node in ast.walk(ast.parse(path.read_text("utf-8")))
           if isinstance(node, ast.FunctionDef) and any("fragment" in ast.unparse(d) for d in node.decorator_list)
           and not node.name.endswith("_fragment")]
    assert odd == []
