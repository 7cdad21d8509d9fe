"""The strict number reader: ASCII digits only, bounded length, None (never an exception) for the rest.

Property tests (Hypothesis) run every reader of numbers from a URL or a file over arbitrary
text: each ends in a value or a one-line ConfigError / note, never in a ValueError.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from playground.config import FIELDS
from playground.field_values import parse_field
from playground.errors import ConfigError
from playground.lessons.deck import step_index
from playground.lessons.unit_trace import UnitRef, parse_unit_query
from playground.strict_numbers import MAX_CHARS, decimal_number, whole_number
from playground.page_state import PAGE_TABLES

UNICODE_DIGITS = ["²", "¹²", "١٢", "٣", "۴", "߅", "๓", "１２", "𝟙", "Ⅻ", "½", "1_000", "1\u00a0", "\u20071"]


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_digits_other_than_ascii_are_refused(text):
    assert whole_number(text) is None and decimal_number(text) is None


@pytest.mark.parametrize("text, value", [("12", 12), (" -3\t", -3), ("+7", 7), ("0", 0)])
def test_ascii_whole_numbers(text, value):
    assert whole_number(text) == value and decimal_number(text) == float(value)


@pytest.mark.parametrize("text, value", [("0.5", 0.5), ("-1e-3", -1e-3), (".25", 0.25), ("3.", 3.0), ("1E+2", 100.0)])
def test_ascii_decimals(text, value):
    assert decimal_number(text) == value and whole_number(text) is None


def test_words_inf_and_nan_are_read_so_the_caller_can_say_finite():
    assert decimal_number("inf") == float("inf") and np.isnan(decimal_number("-NaN"))
    with pytest.raises(ConfigError, match="finite"):
        parse_field(FIELDS["lr"], "inf")


def test_length_is_bounded_before_parsing():
    assert whole_number("1" * (MAX_CHARS + 1)) is None and whole_number("9" * 5000) is None
    assert whole_number("1" * MAX_CHARS) == int("1" * MAX_CHARS)


def test_python_numbers_from_files_pass_and_flags_do_not():
    assert whole_number(3) == 3 and whole_number(4.0) == 4 and whole_number(4.5) is None
    assert whole_number(np.int64(5)) == 5 and decimal_number(np.float32(0.5)) == 0.5
    assert whole_number(True) is None and decimal_number(np.bool_(True)) is None
    assert whole_number(None) is None and decimal_number([1]) is None


NUMBER_FIELDS = [spec for table in (FIELDS, *PAGE_TABLES.values()) for spec in table.values()
                 if spec.kind in ("int", "float")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_every_reader_of_numbers_ends_in_a_value_or_a_message(text):
    for reader in (whole_number, decimal_number):
        value = reader(text)
        assert value is None or text.strip(" \t").isascii()
    for spec in NUMBER_FIELDS:
        try:
            value = parse_field(spec, text)
        except ConfigError as err:
            assert "\n" not in str(err) and len(str(err)) < 300
        else:
            assert text.strip(" \t").isascii()
            assert value in spec.options if spec.options else spec.low <= value <= spec.high
    index, note = step_index(text, 7)
    assert 0 <= index < 7 and (note is None or "\n" not in note)
    ref, notes = parse_unit_query({"seq": text, "layer": text, "t": text, "unit": text}, UnitRef(4, 2, 10, 8))
    assert 0 <= ref.seq < 4 and 0 <= ref.layer < 2 and 0 <= ref.t < 10 and 0 <= ref.unit < 8
    assert all("\n" not in n for n in notes)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-10**6, max_value=10**6))
def test_an_ascii_whole_number_reads_as_itself(n):
    assert whole_number(str(n)) == n and whole_number(f" {n} ") == n
