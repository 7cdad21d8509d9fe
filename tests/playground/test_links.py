"""URL flags and named links live in ``playground.links`` alone: no other product module types them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from playground.config import FIELDS, from_query
from playground.links import CHAR_MODEL, FLAGS, STEP_PARAM, UNIT_PARAMS, unit_link
from playground.page_state import PAGE_TABLES

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = sorted(path for folder in ("playground", "pages", "models") for path in (ROOT / folder).rglob("*.py")
                 if path.name != "links.py")
# Flags that are also ordinary words of the product: a history column ("step") and UnitRef's fields.
ALSO_WORDS = {STEP_PARAM, *UNIT_PARAMS}


@pytest.mark.parametrize("flag", [flag for flag in FLAGS if flag not in ALSO_WORDS])
def test_a_flag_is_typed_only_in_the_links_module(flag):
    quoted = re.compile(rf"""["']{re.escape(flag)}["']""")
    assert [path.relative_to(ROOT).as_posix() for path in PRODUCT if quoted.search(path.read_text("utf-8"))] == []


def test_flags_are_no_setting_names():
    """A flag that shared a name with a setting would be read as both."""
    settings = set(FIELDS) | {name for table in PAGE_TABLES.values() for name in table}
    assert not settings & set(FLAGS) and len(set(FLAGS)) == len(FLAGS)


def test_the_char_model_link_is_stated_once():
    settings, notes = from_query(CHAR_MODEL.query(autostart=True))
    assert notes == [] and settings.task == "charlm"
    typed = re.compile(r"""["']hidden["']\s*:\s*["']128["']""")
    assert [path.name for path in PRODUCT if typed.search(path.read_text("utf-8"))] == []


def test_unit_link_names_every_unit_parameter():
    assert set(unit_link(0, 1, 2, 3)) == {"source", *UNIT_PARAMS} and unit_link(0, 1, 2, 3)["t"] == "2"
