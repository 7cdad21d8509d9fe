"""The one strict reader of numbers typed by someone else: URL values, deck steps, fields of a file.

Python's own readers are lenient in ways an untrusted value must not reach: ``str.isdigit()``
accepts '²' and '¹²' (which ``int()`` then refuses with a ValueError), ``int()`` and ``float()``
accept Arabic-Indic and other Unicode digits ('١٢' is 12), underscores ('1_000') and any
amount of Unicode white space, and ``int()`` on thousands of digits costs time before it
refuses. Here a number is ASCII only, checked for length before any other work:

    whole number:  [+-]? [0-9]+                              at most MAX_CHARS characters
    decimal:       [+-]? ([0-9]+ (. [0-9]*)? | . [0-9]+) ([eE] [+-]? [0-9]+)?,  or inf / infinity / nan

Surrounding spaces and tabs are allowed. Both readers return None for anything else, so each
caller words its own one-line message (which setting, which limit). No streamlit here.
"""
from __future__ import annotations

import numbers
import re
from typing import Any

MAX_CHARS = 40                 # characters of a number: far more than any setting needs
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WORDS = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)   # read, so a caller can say "finite"
_BLANK = " \t"


def _is_bool(raw: Any) -> bool:
    """True for True/False (Python's or numpy's): a flag is not a number."""
    return isinstance(raw, bool) or type(raw).__name__ == "bool_"


def _text(raw: Any) -> str | None:
    """``raw`` as stripped text when it is a string of at most MAX_CHARS characters, else None."""
    if not isinstance(raw, str) or len(raw) > MAX_CHARS + 16:
        return None
    text = raw.strip(_BLANK)
    return text if 0 < len(text) <= MAX_CHARS else None


def whole_number(raw: Any) -> int | None:
    """The int an ASCII whole number such as '12', '-3' or '+7' spells; None for anything else.

    An int (not a bool) passes as itself; a float passes when it is whole (a config from a file).
    """
    if _is_bool(raw):
        return None
    if isinstance(raw, numbers.Integral):
        return int(raw)
    if isinstance(raw, numbers.Real):
        return int(raw) if float(raw).is_integer() else None
    text = _text(raw)
    return int(text) if text is not None and _WHOLE.fullmatch(text) else None


def decimal_number(raw: Any) -> float | None:
    """The float an ASCII decimal such as '0.5', '-1e-3' or '.25' spells (or inf/nan); None otherwise.

    Ints and floats (not bools) pass as floats; the caller checks finiteness and range.
    """
    if _is_bool(raw):
        return None
    if isinstance(raw, numbers.Real):
        try:
            return float(raw)
        except OverflowError:
            return None
    text = _text(raw)
    if text is None or not (_DECIMAL.fullmatch(text) or _WORDS.fullmatch(text)):
        return None
    return float(text)
