"""RunConfig: the field table validates every setting and round-trips the URL form."""
import math

import pytest

from playground.config import FIELDS, RunConfig, from_mapping, from_query, parse_value, validate
from playground.errors import ConfigError

BAD_VALUES = [
    ("lr", "nan", "finite"),
    ("lr", "inf", "finite"),
    ("lr", float("nan"), "finite"),
    ("lr", "-1", "between"),
    ("seq_len", 0, "between"),
    ("seq_len", "0", "between"),
    ("seq_len", 2.5, "number"),
    ("hidden", 100000, "between"),
    ("hidden", "many", "number"),
    ("arch", "transformer", "one of"),
    ("task", "no-such-task", "unknown task"),
    ("clip", "1e999", "finite"),
    ("seed", -1, "between"),
]


@pytest.mark.parametrize("name, raw, words", BAD_VALUES)
def test_bad_value_raises_config_error_naming_the_field(name, raw, words):
    with pytest.raises(ConfigError) as err:
        from_mapping({name: raw})
    message = str(err.value)
    assert name in message and words in message
    assert "\n" not in message  # one line, fit for the UI


def test_validate_rejects_a_bad_dataclass():
    with pytest.raises(ConfigError):
        validate(RunConfig(hidden=0))


def test_unknown_setting_is_an_error_in_strict_form():
    with pytest.raises(ConfigError, match="unknown setting"):
        from_mapping({"colour": "red"})


def test_defaults_are_valid_and_have_an_empty_query():
    assert validate(RunConfig()) == RunConfig()
    assert RunConfig().to_query() == {}


def test_query_round_trip():
    config = RunConfig(arch="gru", task="copy", seq_len=40, lag=20, hidden=32, lr=0.005,
                       clip=1.5, init="spectral", radius=1.1, seed=7)
    query = config.to_query()
    assert all(isinstance(v, str) for v in query.values())
    back, notes = from_query(query)
    assert back == config and notes == []


def test_every_field_round_trips_through_the_query():
    back, notes = from_query({name: "" for name in FIELDS})
    assert back == RunConfig() and len(notes) == len(FIELDS)


@pytest.mark.parametrize("params", [
    {"arch": "<script>alert(1)</script>"},
    {"lr": "1e999"},
    {"lr": "nan"},
    {"hidden": ""},
    {"seq_len": ["10", "<script>"]},
    {"seq_len": []},
    {"task": "../../etc/passwd"},
    {"seed": "0x10"},
])
def test_hostile_query_falls_back_to_defaults_with_a_note(params):
    config, notes = from_query(params)
    assert config == RunConfig()
    assert len(notes) == 1 and "Ignored URL parameter" in notes[0]


def test_query_keeps_good_values_beside_bad_ones_and_skips_foreign_keys():
    config, notes = from_query({"arch": "rnn", "lr": "inf", "autostart": "1", "presenter": "1"})
    assert config.arch == "rnn" and math.isclose(config.lr, RunConfig().lr)
    assert len(notes) == 1 and notes[0].startswith("Ignored URL parameter lr")


def test_list_values_use_the_last_one():
    config, notes = from_query({"hidden": ["8", "16"]})
    assert config.hidden == 16 and notes == []


def test_every_setting_says_how_the_sidebar_draws_it():
    widgets = {"segmented", "select", "slider", "number", "radio"}
    for name, spec in FIELDS.items():
        assert spec.label and spec.widget in widgets and spec.group in ("main", "more"), name
        if spec.shown_when is not None:
            other = FIELDS[spec.shown_when.field]
            assert spec.shown_when.values and all(
                parse_value(other.name, value) == value for value in spec.shown_when.values), name


def test_the_activation_shows_for_the_architectures_that_take_one():
    from playground.config import archs_with_activation

    condition = FIELDS["activation"].shown_when
    assert condition.values == archs_with_activation() and set(condition.values) < set(FIELDS["arch"].choices)
    assert condition.holds({"arch": condition.values[0]}, {"arch"})
    assert not condition.holds({"arch": FIELDS["arch"].choices[-1]}, {"arch"})
    assert condition.holds({}, set())          # a page without the architecture picker trains them all
