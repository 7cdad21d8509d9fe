"""Deck files: the shipped decks parse; hostile or broken decks give one-line DeckErrors."""
import pytest

from playground.config import RunConfig
from playground.lessons.deck import (MAX_BYTES, MAX_STEPS, VIEWS, DeckError, builtin_decks, load_builtin, parse_deck,
                             step_index)

GOOD = """
title = "Tiny"
[[step]]
title = "One"
settings = { arch = "rnn", hidden = 8 }
on_arrival = "train"
steps = 20
[[step]]
title = "Two"
view = "interventions"
settings = { arch = "lstm" }
clamp = { f = 0 }
ablate = [1, 3]
"""


def test_shipped_decks_parse_and_cover_their_story():
    decks = {name: load_builtin(name) for name in builtin_decks()}
    assert set(decks) == {"why-lstms", "rnns-in-one-lesson", "lstms-to-mamba"}
    talk = decks["why-lstms"]
    assert [s.config.arch for s in talk.steps[:2]] == ["rnn", "rnn"] and talk.steps[3].config.arch == "lstm"
    assert {"gradients", "gates", "interventions"} <= {s.view for s in talk.steps}
    assert any(s.clamp == {"f": 0.0} for s in talk.steps)
    lesson = decks["rnns-in-one-lesson"]
    assert {"topologies", "cell"} <= {s.view for s in lesson.steps}
    assert any(s.cell and s.cell.mode == "backward" for s in lesson.steps)
    assert any(s.config.task == "charlm" for s in lesson.steps)
    modern = decks["lstms-to-mamba"]
    assert {s.config.arch for s in modern.steps} >= {"lstm", "mingru", "minlstm", "lru", "s6"}
    looks = [s for s in modern.steps if s.view == "eigenvalues"]
    assert len(looks) == 2 and looks[0].on_arrival == "nothing" and looks[1].on_arrival == "pause"
    assert looks[0].config == looks[1].config          # the same live model, before and after it trains


def test_settings_carry_over_and_go_through_the_field_table():
    deck = parse_deck(GOOD)
    one, two = deck.steps
    assert one.config == RunConfig(arch="rnn", hidden=8) and one.on_arrival == "train" and one.steps == 20
    assert two.config == RunConfig(arch="lstm", hidden=8)          # hidden carried over from step 1
    assert two.clamp == {"f": 0.0} and two.ablate == (1, 3) and two.needs_run


@pytest.mark.parametrize("text, words", [
    ("", "no steps"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { hidden = 9999 }", "hidden must be between"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { arch = '<script>' }", "arch must be one of"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { task = '../../etc/passwd' }", "unknown task"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { task = 'custom' }", "uploaded data"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { lr = nan }", "finite"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { hidden = true }", "single value"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { task = 'copy', seq_len = 5, lag = 50 }", "step 1: settings"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { evil = 1 }", "unknown key 'evil'"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nrm = '-rf'", "unknown key 'rm'"),
    ("title = 'x'\nexec = 1\n[[step]]\ntitle = 'a'", "unknown key 'exec'"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'shell'", "view must be one of"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\non_arrival = 'train'", "needs steps"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\non_arrival = 'train'\nsteps = 10000000", "steps must be a whole"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nsteps = 5", "goes with on_arrival"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'cell'\non_arrival = 'start'", "no live model"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nclamp = { f = 0 }", "go with view"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'eigenvalues'\nsettings = {arch='mingru'}", "arch = lru"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'interventions'\nsettings = {arch='rnn'}\nclamp = { f = 0 }",
     "unknown key 'f'"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'interventions'\nclamp = { f = 2 }", "from 0 to 1"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'interventions'\nablate = [64]", "from 0 to 63"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'cell'\ncell = { sequence = '1, foo' }", "not a number"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'cell'\ncell = { sequence = '1, 2', t = 5 }", "has 2 steps"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nview = 'cell'\ncell = { hidden = 40 }", "hidden must be"),
    ("title = 'x'\n[[step]]\ntitle = ''", "title is empty"),
    ("title = 'x'\n[[step]]\ntitle = 5", "must be text"),
    ("title = 'x'\n[[step]]\ntitle = 'a\u202eb'", "control character"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nnotes = '" + "n" * 2000 + "'", "at most 1500"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\nnotes = '''" + "line\n" * 30 + "'''", "lines"),
    ("title = 'x'\n[[step]]\ntitle = 'a'\n[[step]]\n", "step 2: title must be text"),
    ("title = 'x'\nstep = 3", "no steps"),
    ("title = 'x'\nstep = [1]", "step 1 must be a table"),
    ("title = = 'x'", "not valid TOML"),
    ("x = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
], ids=lambda value: value[-24:].replace("\n", " ") if isinstance(value, str) and len(value) > 24 else None)
def test_hostile_or_broken_decks_get_one_line_errors(text, words):
    with pytest.raises(DeckError) as err:
        parse_deck(text)
    message = str(err.value)
    assert words in message and "\n" not in message and len(message) < 300, message


def test_size_step_count_and_encoding_limits():
    with pytest.raises(DeckError, match="at most"):
        parse_deck(b"# " + b"x" * MAX_BYTES)
    many = "title = 'x'\n" + "[[step]]\ntitle = 'a'\n" * (MAX_STEPS + 1)
    with pytest.raises(DeckError, match=f"at most {MAX_STEPS}"):
        parse_deck(many)
    with pytest.raises(DeckError, match="UTF-8"):
        parse_deck(b"title = '\xff\xfe'")
    with pytest.raises(DeckError, match="no deck"):
        load_builtin("../../etc/passwd")


def test_markup_in_text_is_kept_verbatim_for_the_page_to_escape():
    deck = parse_deck("title = '<b>x</b>'\n[[step]]\ntitle = '[link](javascript:alert(1))'\nnotes = '$x$ **b**'")
    assert deck.title == "<b>x</b>" and deck.steps[0].notes == "$x$ **b**"
    assert deck.steps[0].view == "loss" and set(VIEWS) >= {deck.steps[0].view}


@pytest.mark.parametrize("raw, index, noted", [
    ("3", 2, False), (["1", "2"], 1, False), ("0", 0, True), ("99", 7, True), ("x", 0, True), ("-1", 0, True),
    ("9" * 50, 0, True),
])
def test_step_from_the_url_is_clamped_with_a_note(raw, index, noted):
    got, note = step_index(raw, 8)
    assert got == index and (note is not None) == noted
