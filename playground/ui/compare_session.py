"""Streamlit glue for the compare page: three runs (RNN, GRU, LSTM) driven together.

The runs live in ``st.session_state`` under ``compare_rnn``, ``compare_gru`` and
``compare_lstm`` as ``RunHandle``s: they train in the backend's workers, each up to a
common step cap that the page raises as the slowest catches up, so all three stay on the
same step count. Start/Pause/Step/Reset act on all three at once, in callbacks. The three are
made in one ``run_transaction``: when one is refused (the session's cap, a full server), the
others are closed, never left held.
"""
from __future__ import annotations

import streamlit as st

from playground.lessons.comparison import compare_configs, level_cap
from models.architectures import ARCH_NAMES
from playground.config import RunConfig
from playground.errors import PlaygroundError
from playground.live_settings import needs_reset
from playground.ui.frame import button_hint
from playground.ui.live_session import replace_run, run_transaction
from playground.ui.presses import start_pause_control

KEY_PREFIX = "compare_"
LEAD_SECONDS = 1.5          # how far ahead of the slowest run the cap is set (seconds of its training)


def run_key(arch: str) -> str:
    """Session-state key of one architecture's run."""
    return KEY_PREFIX + arch


def get_compare_runs(config: RunConfig) -> dict | None:
    """The three runs for ``config`` (arch ignored); rebuilt together when a structural setting changed.

    Live settings (``playground.live_settings``) are applied to running models without a reset. Returns
    None (after showing the reason) when a run cannot be built.
    """
    configs = compare_configs(config)
    old = {arch: st.session_state.get(run_key(arch)) for arch in ARCH_NAMES}
    if all(run is not None and not needs_reset(run.config, configs[arch]) for arch, run in old.items()):
        for arch, run in old.items():
            run.apply_live_settings(configs[arch])
        return old
    was_running = any(run is not None and run.running for run in old.values())
    try:
        with run_transaction(replacing=old.values()) as open_run:      # all three or none: no run left behind
            new = {arch: open_run(configs[arch]) for arch in ARCH_NAMES}
            for arch, run in new.items():
                replace_run(run_key(arch), run)
    except PlaygroundError as err:
        st.error(f"Cannot build these runs: {err}", icon=":material/error:")
        return None
    if any(run is not None for run in old.values()):
        st.toast("Settings changed: all three models were re-initialised.")
    if was_running:
        set_running(new, True)
    return new


def set_running(runs: dict, running: bool) -> None:
    """Start every run up to the common step cap, or pause them all."""
    try:
        cap = level_cap(runs, LEAD_SECONDS) if running else None
        for run in runs.values():
            run.set_running(running, until=cap)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def keep_level(runs: dict) -> None:
    """Raise the step cap of the running runs as the slowest catches up (each redraw)."""
    running = {a: r for a, r in runs.items() if r.running}
    if running:
        set_running(running, True)


def step_all(runs: dict) -> None:
    """Every run one update past the furthest step count now (they are level while paused);
    nothing while they train."""
    if any(run.running for run in runs.values()):
        return
    target = max(run.step_count for run in runs.values()) + 1
    try:
        for run in runs.values():
            run.step_to(target)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def reset_all(runs: dict) -> None:
    """Fresh weights from the seed for all three; histories cleared."""
    try:
        with run_transaction(replacing=runs.values()) as open_run:
            new = {arch: open_run(run.config) for arch, run in runs.items()}
            for arch, run in new.items():
                replace_run(run_key(arch), run)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def compare_controls_ui(runs: dict) -> None:
    """Start/Pause, Step and Reset for all three runs together (keyboard-focusable buttons).

    Start and Pause each ask for their state (``playground.ui.presses``); Step steps from the count
    when the press arrives, so no press depends on when the page was drawn.
    """
    running = any(run.running for run in runs.values())
    cols = st.columns([1, 1, 1, 4])
    start_pause_control(cols[0], running, "compare", lambda wanted: set_running(runs, wanted))
    cols[1].button("Step", icon=":material/skip_next:", key="compare_step", width="stretch",
                   help=button_hint("One training update for each of the three, then redraw"), disabled=running,
                   on_click=lambda: step_all(runs))
    cols[2].button("Reset", icon=":material/restart_alt:", key="compare_reset", width="stretch",
                   help=button_hint("New weights from the seed for all three; histories cleared"),
                   on_click=lambda: reset_all(runs))
