"""Streamlit glue for /talk: which deck and step the session is at, the steps' live runs, arrival.

The deck and step live in session state and in the URL (``?deck=why-lstms&step=3``, 1-based),
so a link opens a deck at a step and the address bar always reproduces the view. Steps
with the same settings share one live run (``RunHandle``: training happens in the backend's
workers, never here); a run is started, trained to a step count or paused once, when the
speaker arrives at a step; pausing such a step with P keeps its stop. Moving on pauses the previous step's run, so a talk keeps at most
one trainer busy. Navigation callbacks set a target step (never "one more"): Streamlit can
deliver one key press twice.
"""
from __future__ import annotations

import streamlit as st

from playground.config import RunConfig
from playground.lessons.deck import Deck, DeckError, Step, builtin_decks, load_builtin, parse_deck, step_index
from playground.errors import PlaygroundError
from playground.backends.run_handle import RunHandle
from playground.links import DECK_PARAM, STEP_PARAM
from playground.ui.live_session import run_transaction, set_running

DECK_KEY = "talk_deck"            # (name, Deck) being played; name is "" for an uploaded deck
STEP_KEY = "talk_step"            # 0-based index of the current step
RUNS_KEY = "talk_runs"            # RunConfig -> RunHandle of the steps played so far
ARRIVED_KEY = "talk_arrived"      # (deck name or title, step index) whose arrival actions ran
URL_KEY = "_talk_url"             # (deck, step) this session last wrote to the URL
UPLOAD_KEY = "talk_upload_id"     # file id of the last uploaded deck that was read
CAP_KEY = "talk_cap"              # (run id, n): an arrival trains that run to step n, then it pauses
MAX_RUNS = 3                      # live runs one talk keeps (the oldest is freed beyond this)
DEFAULT_DECK = "why-lstms"


def deck_from_url() -> list[str]:
    """Adopt ``deck``/``step`` from the URL when they are new to this session; return notes on bad values."""
    notes: list[str] = []
    raw_deck, raw_step = st.query_params.get(DECK_PARAM), st.query_params.get(STEP_PARAM)
    if (raw_deck, raw_step) == st.session_state.get(URL_KEY) and DECK_KEY in st.session_state:
        return notes
    if raw_deck is not None or DECK_KEY not in st.session_state:
        name = raw_deck if raw_deck in builtin_decks() else DEFAULT_DECK
        if raw_deck is not None and raw_deck not in builtin_decks():
            notes.append(f"Ignored URL parameter deck: not a deck of this app; choose one of "
                         f"{', '.join(builtin_decks())}.")
        st.session_state[DECK_KEY] = (name, load_builtin(name))
        st.session_state[STEP_KEY] = 0
    if raw_step is not None:
        index, note = step_index(raw_step, len(current_deck()[1]))
        st.session_state[STEP_KEY] = index
        notes += [note] if note else []
    return notes


def write_url() -> None:
    """Put the current deck (if shipped) and step in the URL."""
    name, _ = current_deck()
    step = str(current_index() + 1)
    if name:
        if st.query_params.get(DECK_PARAM) != name:
            st.query_params[DECK_PARAM] = name
    elif DECK_PARAM in st.query_params:
        del st.query_params[DECK_PARAM]         # an uploaded deck has no link
    if st.query_params.get(STEP_PARAM) != step:
        st.query_params[STEP_PARAM] = step
    st.session_state[URL_KEY] = (name or None, step)


def current_deck() -> tuple[str, Deck]:
    """(name, deck) the session is playing."""
    return st.session_state[DECK_KEY]


def current_index() -> int:
    """0-based index of the current step, within the deck."""
    _, deck = current_deck()
    return min(max(int(st.session_state.get(STEP_KEY, 0)), 0), len(deck) - 1)


def go_to(index: int) -> None:
    """Callback: move to step ``index`` (clamped to the deck)."""
    _, deck = current_deck()
    st.session_state[STEP_KEY] = min(max(index, 0), len(deck) - 1)


def choose_deck(name: str) -> None:
    """Callback: play the shipped deck ``name`` from its first step."""
    st.session_state[DECK_KEY] = (name, load_builtin(name))
    st.session_state[STEP_KEY] = 0


def read_upload(upload) -> str | None:
    """Play an uploaded deck file (once per upload); return a one-line error, or None."""
    if upload is None or st.session_state.get(UPLOAD_KEY) == upload.file_id:
        return None
    st.session_state[UPLOAD_KEY] = upload.file_id
    try:
        deck = parse_deck(upload.read(64_000))
    except DeckError as err:
        return f"Cannot play this deck: {err}."
    st.session_state[DECK_KEY] = ("", deck)
    st.session_state[STEP_KEY] = 0
    return None


def step_run(config: RunConfig) -> RunHandle | None:
    """The talk's live run for ``config`` (a new one when none matches); None after an error line."""
    runs: dict[RunConfig, RunHandle] = st.session_state.setdefault(RUNS_KEY, {})
    run = runs.get(config)
    if run is not None and not run.view.closed:
        return run
    for old in list(runs)[:max(0, len(runs) - MAX_RUNS + 1)]:
        runs.pop(old).close()
    try:
        with run_transaction() as open_run:
            run = runs[config] = open_run(config)
    except PlaygroundError as err:
        st.error(f"Cannot build this step's model: {err}.", icon=":material/error:")
        return None
    return run


def arrive(step: Step, run: RunHandle | None) -> None:
    """Run the step's arrival action once per arrival; pause the talk's other runs."""
    name, deck = current_deck()
    at = (name or deck.title, current_index())
    if st.session_state.get(ARRIVED_KEY) == at:
        return
    st.session_state[ARRIVED_KEY] = at
    try:
        for other in st.session_state.get(RUNS_KEY, {}).values():
            if other is not run and other.running:
                other.set_running(False)
        if run is None:
            return
        if step.on_arrival in ("start", "pause"):
            st.session_state.pop(CAP_KEY, None)
            if step.on_arrival == "start" or run.running:
                run.set_running(step.on_arrival == "start")
        elif step.on_arrival == "train" and run.step_count < step.steps:
            st.session_state[CAP_KEY] = (run.run_id, step.steps)
            run.set_running(True, until=step.steps)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def settle(run: RunHandle | None) -> bool:
    """Pause a run that an arrival trained to its step count (the backend keeps a capped run
    "running" at its cap); True when it was paused now."""
    cap = st.session_state.get(CAP_KEY)
    if run is None or cap is None or cap[0] != run.run_id or run.step_count < cap[1]:
        return False
    st.session_state.pop(CAP_KEY, None)
    if not run.running:
        return False
    try:
        run.set_running(False)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")
    return True


def start_pause(run: RunHandle, running: bool) -> None:
    """Callback of Start/Pause (the P key). A pause keeps an arrival's stop ("train to step n"):
    Start then trains on to it and stops there. Past the stop, Start trains on freely."""
    cap = st.session_state.get(CAP_KEY)
    if running and cap is not None and cap[0] == run.run_id and run.step_count < cap[1]:
        try:
            run.set_running(True, until=cap[1])
        except PlaygroundError as err:
            st.toast(str(err), icon=":material/error:")
        return
    if running:
        st.session_state.pop(CAP_KEY, None)
    set_running(run, running)
