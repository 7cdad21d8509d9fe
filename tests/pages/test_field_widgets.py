"""Every setting of a field table is drawn from its row: the row names its label and widget, pages don't."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from playground.config import FIELDS
from playground import page_state
from playground.page_state import PAGE_TABLES
from playground.ui.widgets import WIDGETS

ROOT = Path(__file__).resolve().parents[2]
ROWS = [spec for table in PAGE_TABLES.values() for spec in table.values()] + list(FIELDS.values())
DRAWING = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("playground/ui/*.py")])


@pytest.mark.parametrize("spec", ROWS, ids=lambda spec: spec.name)
def test_every_row_names_its_label_and_widget(spec):
    assert spec.label and spec.widget in WIDGETS, spec.name


def _literals(path: Path) -> set[str]:
    """The string literals of a module (plain and f-strings), as written."""
    return set(re.findall(r'''f?"((?:[^"\\\n]|\\.)*)"''', path.read_text(encoding="utf-8")))


def _tables_read(path: Path) -> list[dict]:
    """The field tables a module imports (from ``playground.config`` or ``playground.page_state``)."""
    names = re.findall(r"from playground\.(?:config|page_state) import ([^\n(]+)", path.read_text(encoding="utf-8"))
    found = {name.strip().split(" as ")[0] for line in names for name in line.split(",")}
    tables = {"FIELDS": FIELDS, **{name: table for name, table in vars(page_state).items()
                                   if any(table is t for t in PAGE_TABLES.values())}}
    return [tables[name] for name in sorted(found) if name in tables]


def test_no_page_types_a_label_its_table_has():
    """A label lives in its row: a page or panel that draws a table and types a label of it again would drift."""
    typed = []
    for path in DRAWING:
        literals = _literals(path)
        typed += [(spec.name, path.name) for table in _tables_read(path) for spec in table.values()
                  if spec.label.split("{")[0] in literals]
    assert typed == []
