"""Buttons whose press says the state the reader wants, so a press during a rerun is never lost.

Why: a Streamlit button sends only "pressed"; what its callback does was fixed when the server
last drew it. A Start/Pause drawn as one button under one key is re-registered by every full
rerun with the opposite target, and the browser shows the new label only once the rerun's
elements arrive. A press that lands in between (the reader presses Start again because the page
is slow, or a second press follows the first before the label changed) runs whichever target the
server registered last: it can undo the press before it, or do nothing. Under load that window
is seconds long.

Here each wanted state has a button of its own, under its own key: the "Start" button always
means "train", the "Pause" button always means "paused", whatever the server drew since. Only
the button for the state the run is not in is drawn, in one keyed container, so the page looks
and reads as one Start/Pause control (``.st-key-<key> button`` finds it, for keyboard handlers).
A press is then a statement of the wanted state, applied idempotently: pressed twice, or
delivered twice, it sets the same state; a press on a button the server has since replaced asks
for the state the run is already in, which is a no-op and never the opposite.

The same holds for any command that sets a state: ``state_button`` draws one (the sweep page's
Cancel asks for "cancelled").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from playground.ui.frame import button_hint


@dataclass(frozen=True)
class RunState:
    """One state a reader can ask a run for: its button's label, icon, hint and key suffix."""

    running: bool
    label: str
    icon: str
    hint: str
    suffix: str


START = RunState(True, "Start", ":material/play_arrow:", "Train continuously, redrawing several times a second",
                 "start")
PAUSE = RunState(False, "Pause", ":material/pause:", "Stop training (the step counter stops at once)", "pause")


def state_button(container, label: str, key: str, on_press: Callable[[], None], *, icon: str | None = None,
                 hint: str = "", primary: bool = False, disabled: bool = False) -> bool:
    """A button that asks for one state: ``on_press()`` (idempotent) sets it, in a callback, before the
    rerun draws the page. ``key`` names the state, not the slot: never reuse it for another state."""
    return container.button(label, icon=icon, key=key, type="primary" if primary else "secondary",
                             width="stretch", help=button_hint(hint) if hint else None, disabled=disabled,
                             on_click=on_press)


def run_state_keys(base: str) -> dict[bool, str]:
    """The button keys of the Start/Pause control named ``base``: wanted running state -> widget key."""
    return {state.running: f"{base}_{state.suffix}" for state in (START, PAUSE)}


def control_key(base: str) -> str:
    """The key of the container that holds the Start/Pause control named ``base``."""
    return f"{base}_run"


def start_pause_control(container, running: bool, base: str, set_running: Callable[[bool], None],
                        hint: str | None = None) -> None:
    """Start when the run is paused, Pause while it trains: ``set_running(wanted)`` on a press.

    The two are separate buttons (``run_state_keys(base)``) in one container keyed ``control_key(base)``;
    see the module docstring for why a single button that swaps its label loses presses.
    """
    state = PAUSE if running else START
    with container.container(key=control_key(base)):
        state_button(st, state.label, run_state_keys(base)[state.running], lambda: set_running(state.running),
                     icon=state.icon, hint=hint or state.hint, primary=True)
