"""Streamlit glue for the compare page: three LiveRuns (RNN, GRU, LSTM) driven together.

The runs live in ``st.session_state`` under ``compare_rnn``, ``compare_gru`` and
``compare_lstm``. Start/Pause/Step/Reset act on all three at once and sit outside
the page's timed fragment, as on the train page.
"""
from __future__ import annotations

import streamlit as st

from playground.comparison import compare_configs, tick_together
from playground.config import ARCHS, RunConfig
from playground.errors import PlaygroundError
from playground.live import LiveRun
from playground.ui.live_session import start_pause_button

KEY_PREFIX = "compare_"


def run_key(arch: str) -> str:
    """Session-state key of one architecture's run."""
    return KEY_PREFIX + arch


def get_compare_runs(config: RunConfig) -> dict[str, LiveRun] | None:
    """The three runs for ``config`` (arch ignored); rebuilt together when a structural setting changed.

    Learning rate and clipping are applied to running models without a reset. Returns
    None (after showing the reason) when a run cannot be built.
    """
    configs = compare_configs(config)
    old = {arch: st.session_state.get(run_key(arch)) for arch in ARCHS}
    if all(run is not None and not run.needs_reset(configs[arch]) for arch, run in old.items()):
        for arch, run in old.items():
            run.apply_live_settings(configs[arch])
        return old
    try:
        new = {arch: LiveRun(configs[arch]) for arch in ARCHS}
    except PlaygroundError as err:
        st.error(f"Cannot build these runs: {err}")
        return None
    was_running = any(run is not None and run.running for run in old.values())
    if any(run is not None for run in old.values()):
        st.toast("Settings changed: all three models were re-initialised.")
    for arch, run in new.items():
        run.running = was_running
        st.session_state[run_key(arch)] = run
    return new


def set_running(runs: dict[str, LiveRun], running: bool) -> None:
    """Start or pause every run (a run stopped by divergence stays stopped)."""
    for run in runs.values():
        run.running = running and not run.error


def start_or_pause_all(runs: dict[str, LiveRun], start: bool) -> None:
    """Start all three runs (clearing old errors) or pause them all."""
    if start:
        for run in runs.values():
            run.error = None
    set_running(runs, start)


def compare_controls_ui(runs: dict[str, LiveRun]) -> None:
    """Start/Pause, Step and Reset for all three runs together (keyboard-focusable buttons)."""
    running = any(run.running for run in runs.values())
    cols = st.columns([1, 1, 1, 4])
    start_pause_button(cols[0], running, "compare_run", lambda: start_or_pause_all(runs, not running))
    if cols[1].button("Step", icon=":material/skip_next:", key="compare_step", width="stretch",
                      help="One training update for each of the three, then redraw", disabled=running):
        tick_together({a: r for a, r in runs.items()}, budget_s=0.0)
    if cols[2].button("Reset", icon=":material/restart_alt:", key="compare_reset", width="stretch",
                      help="New weights from the seed for all three; histories cleared"):
        for arch, run in runs.items():
            st.session_state[run_key(arch)] = LiveRun(run.config, run.trainer.task)
        st.rerun()
