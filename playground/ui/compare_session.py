"""Streamlit glue for the compare page: up to three runs (RNN, GRU, LSTM unless others are picked) driven together.

The runs live in ``st.session_state`` under ``compare_<arch>`` as ``RunHandle``s: they train in the backend's workers, each up to a
common step cap that the page raises as the slowest catches up, so all of them stay on the
same step count. Start/Pause/Step/Reset act on all at once, in callbacks. They are
made in one ``run_transaction``: when one is refused (the session's cap, a full server), the
others are closed, never left held.
"""
from __future__ import annotations

import streamlit as st

from playground.figures.style import ARCH_LABELS
from playground.backends.ledger import MAX_LIVE_RUNS
from playground.lessons.comparison import COMPARED, compare_configs, level_cap
from models.architectures import ARCH_NAMES
from playground.config import RunConfig
from playground.errors import PlaygroundError
from playground.live_settings import needs_reset
from playground.ui.frame import button_hint
from playground.ui.live_session import replace_run, run_transaction
from playground.ui.presses import start_pause_control

KEY_PREFIX = "compare_"
MAX_COMPARED = MAX_LIVE_RUNS - 1    # a session's live runs, less the Train page's one
LEAD_SECONDS = 1.5          # how far ahead of the slowest run the cap is set (seconds of its training)


def run_key(arch: str) -> str:
    """Session-state key of one architecture's run."""
    return KEY_PREFIX + arch


def compared_archs_ui() -> tuple[str, ...]:
    """The sidebar's pick of architectures to compare (the classic cells until one picks others)."""
    picked = st.sidebar.multiselect("Architectures to compare", ARCH_NAMES, default=list(COMPARED),
                                    max_selections=MAX_COMPARED, format_func=ARCH_LABELS.get, key="compare_archs",
                                    help=f"Up to {MAX_COMPARED}, trained side by side on the same steps")
    return tuple(picked)


def compared_title(archs) -> str:
    """'vanilla RNN, GRU and LSTM' for the picked architectures."""
    labels = [ARCH_LABELS[arch] for arch in archs]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def get_compare_runs(config: RunConfig, archs=COMPARED) -> dict | None:
    """The runs of ``archs`` for ``config`` (arch ignored); rebuilt together when a structural setting
    or the set of architectures changed (the runs of architectures no longer picked are closed).

    Live settings (``playground.live_settings``) are applied to running models without a reset. Returns
    None (after showing the reason) when a run cannot be built.
    """
    try:
        configs = compare_configs(config, archs, MAX_COMPARED)
    except PlaygroundError as err:
        st.error(f"Cannot build these runs: {err}", icon=":material/error:")
        return None
    held = {arch: st.session_state[run_key(arch)] for arch in ARCH_NAMES if st.session_state.get(run_key(arch))}
    old = {arch: held.get(arch) for arch in configs}
    if set(held) == set(configs) and all(not needs_reset(run.config, configs[arch]) for arch, run in held.items()):
        for arch, run in old.items():
            run.apply_live_settings(configs[arch])
        return old
    was_running = any(run.running for run in held.values())
    try:
        with run_transaction(replacing=held.values()) as open_run:     # all or none: no run left behind
            new = {arch: open_run(configs[arch]) for arch in configs}
            for arch, run in new.items():
                replace_run(run_key(arch), run)
            for arch in set(held) - set(new):
                st.session_state.pop(run_key(arch)).close()
    except PlaygroundError as err:
        st.error(f"Cannot build these runs: {err}", icon=":material/error:")
        return None
    if held:
        st.toast("Settings changed: the compared models were re-initialised.")
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
    """Fresh weights from the seed for every compared run; histories cleared."""
    try:
        with run_transaction(replacing=runs.values()) as open_run:
            new = {arch: open_run(run.config) for arch, run in runs.items()}
            for arch, run in new.items():
                replace_run(run_key(arch), run)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def compare_controls_ui(runs: dict) -> None:
    """Start/Pause, Step and Reset for the compared runs together (keyboard-focusable buttons).

    Start and Pause each ask for their state (``playground.ui.presses``); Step steps from the count
    when the press arrives, so no press depends on when the page was drawn.
    """
    running = any(run.running for run in runs.values())
    cols = st.columns([1, 1, 1, 4])
    start_pause_control(cols[0], running, "compare", lambda wanted: set_running(runs, wanted))
    cols[1].button("Step", icon=":material/skip_next:", key="compare_step", width="stretch",
                   help=button_hint("One training update for each compared model, then redraw"), disabled=running,
                   on_click=lambda: step_all(runs))
    cols[2].button("Reset", icon=":material/restart_alt:", key="compare_reset", width="stretch",
                   help=button_hint("New weights from the seed for every compared model; histories cleared"),
                   on_click=lambda: reset_all(runs))
