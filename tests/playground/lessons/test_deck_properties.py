"""Property tests (Hypothesis) over deck files: every file ends in a Deck or a one-line DeckError.

Decks are uploaded by strangers on /talk. The files drawn here are arbitrary text, the shipped
decks with one value replaced by a hostile TOML value (huge or long numbers, NaN, Unicode
digits in strings, control characters, nested arrays and tables, text of every length) or a
hostile line inserted, and decks past the size limit. Each case costs under 2 s of CPU time
and 100 MB of extra memory (``hostile_measure``).
"""
import re

from hypothesis import HealthCheck, given, settings, strategies as st

from hostile_measure import MAX_EXTRA_BYTES, MAX_SECONDS, measured, within_bounds
from playground.config import FIELDS
from playground.lessons.deck import MAX_BYTES, Deck, DeckError, builtin_decks, parse_deck

SHIPPED = [path.read_text(encoding="utf-8") for path in builtin_decks().values()]
KEYS = sorted({"title", "summary", "notes", "view", "settings", "on_arrival", "steps", "clamp", "ablate", "cell",
               "step", *FIELDS})
_ASSIGNMENT = re.compile(r"^(\s*[A-Za-z_]+\s*=\s*)(.*)$", re.MULTILINE)


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (escapes for quotes, backslashes and control characters)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}" if not 0xD800 <= ord(ch) <= 0xDFFF else "?")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


SCALARS = st.one_of(
    st.integers(-10**30, 10**30).map(str),
    st.sampled_from(["9" * 4000, "9" * 5000, "1e999", "-inf", "nan", "0x7fffffff", "1_000", "0o777", "true",
                     "1979-05-27T07:32:00Z", '"²"', '"١٢"', '"\\u0000"', '"\\u202Ebidi"', '"""a\nb\nc"""']),
    st.floats(allow_nan=True, allow_infinity=False).map(repr).filter(lambda r: "e" in r or "." in r),
    st.text(max_size=60).map(toml_string),
    st.integers(1, 2000).map(lambda n: toml_string("x" * n)),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.dictionaries(st.sampled_from(KEYS), inner, max_size=4).map(
        lambda d: "{ " + ", ".join(f"{k} = {v}" for k, v in d.items()) + " }")), max_leaves=12)


@st.composite
def mutated_decks(draw) -> str:
    """A shipped deck with one value replaced, a line inserted, or its text repeated past the limit."""
    text = draw(st.sampled_from(SHIPPED))
    kind = draw(st.sampled_from(["replace", "insert", "repeat", "nest"]))
    if kind == "replace":
        matches = list(_ASSIGNMENT.finditer(text))
        m = matches[draw(st.integers(0, len(matches) - 1))]
        return text[:m.start(2)] + draw(VALUES) + text[m.end(2):]
    if kind == "insert":
        lines = text.split("\n")
        at = draw(st.integers(0, len(lines)))
        return "\n".join(lines[:at] + [f"{draw(st.sampled_from(KEYS))} = {draw(VALUES)}"] + lines[at:])
    if kind == "repeat":
        return text * draw(st.integers(2, MAX_BYTES // len(text) + 2))
    depth = draw(st.integers(1, 2000))
    return text + f"\nx = {'[' * depth}{']' * depth}\n"


def outcome_is_sound(text: str) -> None:
    """The deck file ends in a Deck with titled steps or a one-line DeckError, within the bounds."""
    outcome = within_bounds(lambda: parse_deck(text), (Deck, DeckError), DeckError)
    if not isinstance(outcome, DeckError):
        assert 1 <= len(outcome.steps) and all(s.title for s in outcome.steps)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_decks())
def test_a_mutated_deck_ends_in_a_deck_or_one_line(text):
    outcome_is_sound(text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(lambda b: b.decode("latin-1"))))
def test_any_text_ends_in_a_deck_or_one_line(text):
    outcome_is_sound(text)


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=MAX_BYTES + 100))
def test_any_bytes_end_in_a_deck_or_one_line(data):
    outcome, seconds, extra = measured(lambda: parse_deck(data))
    assert isinstance(outcome, (Deck, DeckError)) and "\n" not in str(outcome), repr(outcome)
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES
