"""Train page: pick an architecture and a task, train live, watch states, gates and gradients."""
import streamlit as st

from playground.ui.controls import config_sidebar_ui, sync_from_url, write_url
from playground.ui.live_session import controls_ui, get_run
from playground.ui.replay_panel import replay_panel
from playground.ui.text import page_text
from playground.ui.train_panels import (explain, gates_panel, gradient_history_panel, gradient_now_panel,
                                        inside_view, loss_panel, metrics_panel, predictions_panel, states_panel)

TICK_SECONDS = 0.2        # loss / counter redraw interval while running
TRAIN_BUDGET = 0.15       # seconds of training per redraw
INSIDE_SECONDS = 5.0      # states / gates / gradient-history redraw interval while running (heavier to draw)
FULL_RUN_KEY = "train_full_run"   # true while the page's full run (not a fragment rerun) is drawing
INSIDE_KEY = "train_inside_view"  # the snapshot and records the inside charts drew last

for note in sync_from_url():
    st.warning(note, icon=":material/link_off:")
config = config_sidebar_ui()
write_url(config)
run = get_run(config)

if run is not None and st.query_params.get("autostart") == "1":
    del st.query_params["autostart"]
    run.running = True

st.title("Train")
if run is None:
    st.stop()
task = run.trainer.task
st.markdown(f"**{task.title}** · *{task.topology}* · metric: {task.metric_name}")
st.caption(getattr(task, "explain", "") or page_text("train_intro"))
controls_ui(run)
if run.error:
    st.error(f"Training paused: {run.error}", icon=":material/warning:")


def in_full_run() -> bool:
    """True while the page's full run draws the fragments; false in a fragment's own rerun."""
    return bool(st.session_state.get(FULL_RUN_KEY))


RUN_EVERY = TICK_SECONDS if run.running else None         # fragments redraw on their own only while training
INSIDE_EVERY = INSIDE_SECONDS if run.running else None


@st.fragment(run_every=RUN_EVERY)
def live_panel():
    """Redraw the counters and the loss, then train a tick (in the fragment's own reruns only).

    Drawing first lets the browser draw while the server trains, instead of one waiting for
    the other; the charts show the previous tick's result. A full page run (Start, a widget)
    trains nothing: it then redraws the charts unchanged.
    """
    metrics_panel(run)
    loss_panel(run, "train")
    if run.running and not in_full_run():
        run.tick(TRAIN_BUDGET)     # after drawing: the browser draws those charts while this trains
        if not run.running:        # diverged during the tick: full rerun shows the message
            st.rerun()


def inside():
    """The snapshot and records the inside charts draw (see ``inside_view``).

    While training, a full page run redraws the insides drawn last, so the browser keeps them.
    """
    return inside_view(run, INSIDE_KEY, refresh=not (run.running and in_full_run()),
                       every_s=INSIDE_SECONDS - 0.5 if run.running else 0.0)


# The insides redraw less often than the loss (more to draw), one fragment per family so that
# the explanations between them, which never change, are not sent and typeset again.
@st.fragment(run_every=INSIDE_EVERY)
def states_fragment():
    states_panel(inside()[0], "train")


@st.fragment(run_every=INSIDE_EVERY)
def gates_fragment():
    gates_panel(inside()[0], "train")


@st.fragment(run_every=INSIDE_EVERY)
def gradients_fragment():
    snap, records = inside()
    left, right = st.columns([2, 3])
    with left:
        gradient_now_panel(snap, "train")
    with right:
        gradient_history_panel(records, "train")


@st.fragment(run_every=INSIDE_EVERY)
def predictions_fragment():
    predictions_panel(run, inside()[0], "train")


st.session_state[FULL_RUN_KEY] = True
try:
    live_panel()
    explain("train_loss")
    st.subheader("Hidden states")
    states_fragment()
    explain("train_states")
    st.subheader("Gates" if run.config.arch != "rnn" else "Pre-activations and saturation")
    gates_fragment()
    explain("train_gates")
    st.subheader("Gradients across timesteps")
    gradients_fragment()
    explain("train_gradients")
    st.subheader("Predictions")
    predictions_fragment()
finally:
    st.session_state[FULL_RUN_KEY] = False

st.subheader("Replay the run")
replay_panel(run, "train")
