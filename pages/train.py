"""Train page: pick an architecture and a task, train live, watch states, gates and gradients.

The run trains in the backend's workers; this page sends commands and draws what they
published: the counters and loss several times a second, the insides about once a second.
"""
import streamlit as st

from models.architectures import architecture
from models.networks import network_shape
from playground.config import CUSTOM_TASK
from playground.markup import title_markdown

from playground.ui.settings_panels import config_sidebar_ui, model_line, sync_from_url, write_url
from playground.ui.live_session import controls_ui, get_run, server_load_ui, training_backend
from playground.ui.replay_panels import replay_ui
from playground.ui.text import page_text
from playground.ui.unit_panels import jump_to_unit, unit_click
from playground.ui.url_state import take_autostart
from playground.ui.train_panels import (attention_ui, eigenvalue_ui, gates_heading, gates_ui, gradient_history_ui,
                                        gradient_now_ui, loss_ui, metrics_ui, predictions_ui, run_points,
                                        states_ui)
from playground.ui.widgets import explain

TICK_SECONDS = 0.1        # counters and loss redraw interval while training (alone on the server)
INSIDE_SECONDS = 0.4      # states, gates, gradients and predictions redraw interval while training

for note in sync_from_url():
    st.warning(note, icon=":material/link_off:")
config = config_sidebar_ui()
write_url(config)
run = get_run(config)

if run is not None and take_autostart():
    run.set_running(True)

st.title("Train")
if run is None:
    st.stop()
task = run.task
st.markdown(f"{title_markdown(task.title, run.config.task == CUSTOM_TASK)} · *{task.topology}* · "
            f"metric: {task.metric_name} · model: {model_line(run.config)}")
st.caption(getattr(task, "explain", "") or page_text("train_intro"))
controls_ui(run)
RUNNING = run.running
# A crowded server asks each page for fewer redraws: the counters and loss by the square root of
# the runs per worker (eight runs on one worker still redraw almost twice a second, at a small
# share of the server's CPU), the insides, which cost more to draw, by its 1.5th power.
LOAD = training_backend().load_factor()
RUN_EVERY = TICK_SECONDS * LOAD ** 0.5 if RUNNING else None      # fragments redraw on their own only while training
INSIDE_EVERY = INSIDE_SECONDS * LOAD ** 1.5 if RUNNING else None


@st.fragment(run_every=RUN_EVERY)
def live_fragment():
    """The run's status, counters and loss curve as last published; a stop redraws the whole page."""
    points, summary = run_points(run, "train")
    metrics_ui(run, summary)              # the status line, tiles and counters: one mounted component
    loss_ui(run, points, summary, "train")
    if RUNNING and not run.running:          # diverged, paused elsewhere or idle: redraw the buttons
        st.rerun()


@st.fragment(run_every=INSIDE_EVERY)
def states_fragment():
    states_ui(run.snapshot, "train", on_unit_click=unit_click(run))
    jump_to_unit()                  # a clicked heatmap cell opens that unit in the cell view


@st.fragment(run_every=INSIDE_EVERY)
def gates_fragment():
    gates_ui(run.snapshot, "train", on_unit_click=unit_click(run))
    jump_to_unit()


@st.fragment(run_every=INSIDE_EVERY)
def gradients_fragment():
    snap, records = run.snapshot, run.records
    left, right = st.columns([2, 3])
    with left:
        gradient_now_ui(snap, "train")
    with right:
        gradient_history_ui(records, "train", run.config.arch, run.config.network)


@st.fragment(run_every=INSIDE_EVERY)
def eigenvalues_fragment():
    left, right = st.columns([2, 3])
    with left:
        eigenvalue_ui(run.snapshot, "train")
    with right:
        explain("train_eigenvalues")


@st.fragment(run_every=INSIDE_EVERY)
def attention_fragment():
    left, right = st.columns([3, 2])
    with left:
        attention_ui(run.snapshot, "train")
    with right:
        explain("train_attention")


@st.fragment(run_every=INSIDE_EVERY)
def predictions_fragment():
    predictions_ui(run, run.snapshot, "train")


# One fragment per family of insides, so the explanations between them, which never change,
# are not sent and typeset again on each redraw.
live_fragment()
explain("train_loss")
if run.snapshot is None:
    st.info("The trainer is starting: the insides appear in a moment.", icon=":material/hourglass_top:")
    st.stop()
st.subheader(network_shape(run.config.network).states_heading)
states_fragment()
explain("train_states")
st.subheader(gates_heading(run.config.arch, run.config.network))
gates_fragment()
explain("train_gates")
st.subheader("Gradients across timesteps")
gradients_fragment()
explain("train_gradients")
if architecture(run.config.arch).diagonal_recurrence and network_shape(run.config.network).takes_cell:
    st.subheader("Eigenvalues of the recurrence")
    eigenvalues_fragment()
if run.snapshot.attention is not None:
    st.subheader("Attention")
    attention_fragment()
st.subheader("Predictions")
predictions_fragment()

st.subheader("Replay the run")
replay_ui(run, "train")
server_load_ui()
