"""Streamlit glue for one session's live run: create, reset, start, pause, step.

The LiveRun lives in ``st.session_state`` (one per browser session, so two users
never share a model). Start/Pause/Step/Reset sit outside the timed fragment: a
button inside a running fragment could not interrupt it.
"""
from __future__ import annotations

import streamlit as st

from playground.config import CUSTOM_TASK, RunConfig
from playground.errors import PlaygroundError
from playground.live import LiveRun
from playground.user_data import with_seq_len

RUN_KEY = "live_run"
CUSTOM_TASK_KEY = "custom_task"   # session key of the Task built on the Your data page


def get_run(config: RunConfig, key: str = RUN_KEY, task=None) -> LiveRun | None:
    """This session's run for ``config``: reset when a structural setting changed.

    Live settings (learning rate, clipping) are applied to the running model. Returns
    None (after showing the reason) when the config cannot be built.
    """
    run: LiveRun | None = st.session_state.get(key)
    if config.task == CUSTOM_TASK and task is None:
        task = custom_task(config)
        if task is None:
            return run
    if run is not None and not run.needs_reset(config) and (config.task != CUSTOM_TASK or run.trainer.task is task):
        run.apply_live_settings(config)
        return run
    try:
        new = LiveRun(config, task)
    except PlaygroundError as err:
        st.error(f"Cannot build this run: {err}")
        return run
    if run is not None:
        new.running = run.running and not run.error
        st.toast("Settings changed: the model was re-initialised.")
    st.session_state[key] = new
    return new


def custom_task(config: RunConfig):
    """The session's uploaded task, rebuilt for ``config.seq_len`` if needed; None (with a message) if unusable."""
    task = st.session_state.get(CUSTOM_TASK_KEY)
    if task is None:
        st.error("No uploaded data in this session: upload it on the Your data page.", icon=":material/upload_file:")
        return None
    try:
        rebuilt = with_seq_len(task, config.seq_len)
    except PlaygroundError as err:
        st.error(f"Cannot use your data with these settings: {err}")
        return None
    st.session_state[CUSTOM_TASK_KEY] = rebuilt
    return rebuilt


START_TICK_SECONDS = 0.1   # training done by the Start click itself, so the page it redraws has moved


def set_running(run: LiveRun, running: bool) -> None:
    """Start (clearing an old error, training a first short tick) or pause ``run``.

    The target comes from the label the page showed, not from flipping the current state:
    Streamlit can deliver one click twice (once with a timed fragment's rerun, once with the
    page's), and a toggle would then undo itself — a Pause lost mid-training.
    """
    if running == run.running:
        return
    if not running:
        run.running = False
        return
    run.error = None
    run.running = True
    run.tick(START_TICK_SECONDS)


def start_pause_button(container, running: bool, key: str, on_click) -> None:
    """One button that reads Start or Pause: one key, so the browser swaps its label in place.

    It acts in a callback, before the rerun draws the page, so the new state is drawn at once.
    """
    label, icon, hint = (("Pause", ":material/pause:", "Stop after the current tick") if running else
                         ("Start", ":material/play_arrow:", "Train continuously, redrawing several times a second"))
    container.button(label, icon=icon, key=key, type="primary", width="stretch", help=hint, on_click=on_click)


def controls_ui(run: LiveRun, key: str = RUN_KEY) -> None:
    """Start/Pause, Step and Reset buttons (keyboard-focusable), acting on ``run``."""
    cols = st.columns([1, 1, 1, 4])
    target = not run.running
    start_pause_button(cols[0], run.running, f"{key}_run", lambda: set_running(run, target))
    cols[1].button("Step", icon=":material/skip_next:", key=f"{key}_step", width="stretch",
                   help="One training update, then redraw", disabled=run.running,
                   on_click=lambda: step_run(run))
    cols[2].button("Reset", icon=":material/restart_alt:", key=f"{key}_reset", width="stretch",
                   help="New weights from the seed; history cleared",
                   on_click=lambda: reset_run(run, key))


def step_run(run: LiveRun) -> None:
    """One update (clearing an old error); as a callback it lands before the page redraws."""
    run.error = None
    run.step_once()


def reset_run(run: LiveRun, key: str) -> None:
    """A fresh run with the same settings and task: new weights from the seed, history cleared."""
    st.session_state[key] = LiveRun(run.config, run.trainer.task)
