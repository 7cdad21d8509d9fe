"""Talk: play a deck of live steps — title, notes and buttons beside the step's live view, by keyboard.

Laid out for a 1280x720 projector: the notes column and the view column share the screen, so
the view the step names is seen without scrolling; the sidebar (deck choice) starts folded.
"""
import streamlit as st

from playground.lessons.deck import builtin_decks, load_builtin
from playground.ui.frame import enter_presenter_mode
from playground.ui.live_session import run_status_ui
from playground.ui.talk_keys import VIEW_KEY, talk_keys
from playground.ui.talk_panels import VIEW_PANELS, model_caption, nav_ui, notes_ui, plain, progress_ui
from playground.ui.talk_session import (arrive, choose_deck, current_deck, current_index, deck_from_url, go_to,
                                        read_upload, settle, start_pause, step_run, write_url)
from playground.ui.text import page_text
from playground.ui.keys import TALK_CHOICE

TICK_SECONDS = 0.8        # redraw interval of the live view while its model trains

st.set_page_config(initial_sidebar_state="collapsed")
enter_presenter_mode()
for note in deck_from_url():
    st.warning(note, icon=":material/link_off:")
DECKS = builtin_decks()
with st.sidebar:
    st.subheader("Deck")
    name, _ = current_deck()
    st.session_state[TALK_CHOICE] = name or None
    st.selectbox("Play a deck", list(DECKS), key=TALK_CHOICE, format_func=lambda n: load_builtin(n).title,
                 placeholder="your uploaded deck", on_change=lambda: choose_deck(st.session_state[TALK_CHOICE]))
    upload = st.file_uploader("Or upload your own (.toml)", type=["toml"], key="talk_upload", max_upload_size=1,
                              help="A deck is a short text file; see the shipped decks for the format.")
    error = read_upload(upload)
    if error:
        st.error(error, icon=":material/error:")
    with st.expander("How decks work", icon=":material/help:"):
        st.markdown(page_text("talk_format"))

name, deck = current_deck()
index = current_index()
write_url()
if name:
    st.sidebar.caption("Link to this step:")
    st.sidebar.code(f"/talk?deck={name}&step={index + 1}", language=None)
step = deck.steps[index]
run = step_run(step.config) if step.needs_run else None
arrive(step, run)
settle(run)

with st.container(key="talk_progress"):
    progress_ui(index, len(deck), deck.title)
notes_column, view_column = st.columns([1, 2], gap="medium")
with notes_column.container(key="talk_notes"):
    notes_ui(step)
    nav_ui(index, len(deck), run, go_to, start_pause)
    if index == 0 and deck.summary:
        st.caption(plain(deck.summary))
    talk_keys()
view = view_column.container(key=VIEW_KEY)
if step.needs_run and (run is None or run.snapshot is None):
    view.info("The model is starting: the view appears in a moment.", icon=":material/hourglass_top:")
    st.stop()
RUNNING = run is not None and run.running


@st.fragment(run_every=TICK_SECONDS if RUNNING else None)
def live_fragment():
    """The step's view of its live model; a stop redraws the whole page (the buttons change)."""
    if run is not None:
        model_caption(run)
        run_status_ui(run)
    VIEW_PANELS[step.view](run, step, "talk")
    if RUNNING and (settle(run) or not run.running):
        st.rerun()


with view:
    live_fragment()
