"""/talk headless: a link opens a deck at a step, the buttons move, hostile decks get a message."""
from streamlit.testing.v1 import AppTest

from page_runner import open_page, tile_values
from playground.markup import markdown_text


def open_talk(**query) -> AppTest:
    """The talk page, opened with ``query`` in its URL."""
    return open_page("talk", query)


def header(at) -> str:
    """The step's title: the page's one h1."""
    return at.title[0].value


def step_param(at) -> str:
    value = at.query_params["step"]
    return value[-1] if isinstance(value, list) else value


def test_link_opens_a_deck_at_a_step_and_the_buttons_move():
    at = open_talk(deck="why-lstms", step="3")
    assert not at.exception, [e.value for e in at.exception]
    assert header(at) == "Its gradients vanish" and "Step 3 of 8" in at.get("progress")[0].proto.text
    assert at.session_state["_page_presenter"].active         # the talk draws in presenter mode ...
    assert "present" not in at.query_params                   # ... of its own, not the session's
    at.button(key="talk_next").click().run()
    assert header(at) == markdown_text("An LSTM, same task, same seed") and step_param(at) == "4"
    at.button(key="talk_prev").click().run()
    at.button(key="talk_prev").click().run()
    assert header(at) == "A vanilla RNN trains on it" and step_param(at) == "2"
    run = at.session_state["talk_runs"][at.session_state["talk_runs"].__iter__().__next__()]
    assert run.config.arch == "rnn" and not at.exception


def test_intervention_step_shows_the_loss_with_the_edit():
    at = open_talk(deck="why-lstms", step="7")
    assert not at.exception, [e.value for e in at.exception]
    labels = list(tile_values(at))
    assert "Loss with the edit" in labels
    assert any("forget" in c.value or "gate f clamped to 0" in c.value for c in at.caption)


def test_lesson_deck_shows_topologies_and_the_cell_with_numbers():
    at = open_talk(deck="rnns-in-one-lesson", step="1")
    assert not at.exception and len(at.get("image")) == 5
    at.button(key="talk_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.latex and at.button(key="talk_start").disabled
    assert at.select_slider[0].value == 2                          # step 2 shows t = 2 ...
    at.button(key="talk_next").click().run()
    at.button(key="talk_next").click().run()
    assert any(r"\delta h" in el.value for el in at.latex)
    assert at.select_slider[0].value == 1                          # ... and step 4 its own t = 1


def test_bad_url_values_fall_back_with_a_note():
    at = open_talk(deck="../../etc/passwd", step="99")
    assert not at.exception
    notes = " ".join(w.value for w in at.warning)
    assert "Ignored URL parameter deck" in notes
    at = open_talk(deck="why-lstms", step="<script>")
    assert not at.exception and header(at) == "The adding problem"
    assert any("Ignored URL parameter step" in w.value for w in at.warning)


def test_uploaded_deck_is_played_as_text_and_a_hostile_one_gets_a_message():
    at = open_talk(deck="rnns-in-one-lesson", step="2")
    deck = ("title = 'Mine'\n[[step]]\ntitle = '**bold** <b>x</b> $y$'\nview = 'topologies'\n"
            "notes = '[click](javascript:alert(1))'\n").encode()
    at.sidebar.file_uploader(key="talk_upload").set_value(("mine.toml", deck, "text/plain")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert header(at) == markdown_text("**bold** <b>x</b> $y$")
    assert "deck" not in at.query_params
    hostile = b"title = 'x'\n[[step]]\ntitle = 'a'\nsettings = { hidden = 100000 }\n"
    at.sidebar.file_uploader(key="talk_upload").set_value(("evil.toml", hostile, "text/plain")).run()
    assert not at.exception
    assert "hidden must be between" in at.sidebar.error[0].value
    assert header(at) == markdown_text("**bold** <b>x</b> $y$")        # the deck being played is kept


def test_presenter_mode_belongs_to_the_talk_and_leaving_restores_the_sessions_own():
    at = open_talk(deck="why-lstms", step="1")
    assert at.session_state["_page_presenter"].active and at.session_state["_page_presenter"].compact
    at.switch_page("../pages/cell.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "_page_presenter" not in at.session_state and "present" not in at.query_params
    assert not (at.session_state["presenter"] if "presenter" in at.session_state else None)


def test_a_session_in_presenter_mode_keeps_it_after_the_talk():
    at = open_talk(deck="why-lstms", step="1", present="1")
    at.switch_page("../pages/cell.py").run()
    assert not at.exception and at.session_state["presenter"].active
    assert "_page_presenter" not in at.session_state


class _Run:
    """A run that records what it was asked: (train?, until)."""

    run_id, step_count, running = 7, 600, False

    def __init__(self):
        self.asked = []

    def set_running(self, wanted, until=None):
        self.asked.append((wanted, until))


def test_p_keeps_an_arrivals_stop_train_to_step_n(monkeypatch):
    import streamlit as st
    from playground.ui import talk_session

    state = {talk_session.CAP_KEY: (7, 1500)}          # arrived at "train to step 1,500"
    monkeypatch.setattr(st, "session_state", state)
    run = _Run()
    talk_session.start_pause(run, False)                # P: pause at step 600
    talk_session.start_pause(run, True)                 # P again: on to 1,500, not for ever
    assert run.asked == [(False, None), (True, 1500)] and state[talk_session.CAP_KEY] == (7, 1500)
    run.step_count = 1500
    talk_session.start_pause(run, True)                 # past the stop the speaker trains on freely
    assert run.asked[-1] == (True, None) and talk_session.CAP_KEY not in state


def test_modern_deck_shows_the_lrus_eigenvalues_and_s6s_step_size():
    at = open_talk(deck="lstms-to-mamba", step="6")
    assert not at.exception, [e.value for e in at.exception]
    assert header(at) == markdown_text("The LRU: a linear, diagonal recurrence")
    assert any(c.value.startswith("32 eigenvalues, |λ| from 0.5") for c in at.caption)    # the plot's text twin
    at = open_talk(deck="lstms-to-mamba", step="11")
    assert not at.exception, [e.value for e in at.exception]
    assert header(at) == "Δ is a gate" and "Step 11 of 12" in at.get("progress")[0].proto.text
    at = open_talk(deck="lstms-to-mamba", step="5")                   # a scan cell's step, every number
    assert not at.exception and at.select_slider[0].value == 2, [e.value for e in at.exception]
    assert at.latex and list(at.dataframe[0].value.columns) == ["quantity", "symbol", "unit 0", "unit 1"]
