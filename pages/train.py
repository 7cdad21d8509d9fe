"""Train page: pick an architecture and a task, train live, watch states, gates and gradients."""
import streamlit as st

from playground.ui.controls import config_sidebar_ui, sync_from_url, write_url
from playground.ui.live_session import controls_ui, get_run
from playground.ui.replay_panel import replay_panel
from playground.ui.text import page_text
from playground.ui.train_panels import (explain, gates_panel, gradient_history_panel, gradient_now_panel,
                                        loss_panel, metrics_panel, predictions_panel, states_panel)

TICK_SECONDS = 0.3        # loss / counter redraw interval while running
TRAIN_BUDGET = 0.15       # seconds of training per redraw
INSIDE_SECONDS = 4.0      # states / gates / gradient-history redraw interval while running (heavier to draw)

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


@st.fragment(run_every=TICK_SECONDS if run.running else None)
def live_panel():
    """Train a tick (when running), then redraw the counters, the loss and the gradient curve."""
    if run.running:
        run.tick(TRAIN_BUDGET)
        if not run.running:        # diverged during the tick: full rerun shows the message
            st.rerun()
    metrics_panel(run)
    left, right = st.columns([3, 2])
    with left:
        loss_panel(run, "train")
        explain("train_loss")
    with right:
        gradient_now_panel(run, "train")
        explain("train_gradients")


@st.fragment(run_every=INSIDE_SECONDS if run.running else None)
def inside_panel():
    """The model's insides from the latest probe; redrawn less often than the loss (more to draw)."""
    st.subheader("Hidden states")
    states_panel(run, "train")
    explain("train_states")
    st.subheader("Gates" if run.config.arch != "rnn" else "Pre-activations and saturation")
    gates_panel(run, "train")
    explain("train_gates")
    st.subheader("Gradients over training")
    gradient_history_panel(run, "train")
    st.subheader("Predictions")
    predictions_panel(run, "train")


live_panel()
inside_panel()

st.subheader("Replay the run")
replay_panel(run, "train")
