"""The keys a speaker uses on /talk, handled in the browser: clickers, the blank screen, scrolling.

    → or PageDown        next step            ← or PageUp        previous step
    P                    start / pause        B or .             blank the screen (again: back)
    Space, ↓ / Shift+Space, ↑, Home, End      scroll the page when it is taller than the screen

Presentation clickers send PageDown/PageUp (some B or period), so those keys press the
step's buttons (``talk_prev``, ``talk_run``, ``talk_next``) like a click. One listener on the
document sees the keys wherever the focus is, so nothing needs clicking first; it does nothing
off /talk (no ``talk_view`` on the page), with Ctrl/Alt/Meta held, or while the focus is in
a widget that uses the keys itself (a slider keeps its arrows, a text field its letters). The
page scrolls inside Streamlit's main block, which the browser's own keys only scroll once it
has been clicked; the listener scrolls it whatever has the focus.
"""
from __future__ import annotations

import streamlit as st

from playground.ui.presses import control_key

RUN_CONTROL = "talk"                 # the step's Start/Pause control (playground.ui.presses)
# the page's button keys; "run" is the keyed container that holds Start or Pause
BUTTON_KEYS = {"next": "talk_next", "previous": "talk_prev", "run": control_key(RUN_CONTROL)}
VIEW_KEY = "talk_view"               # the keyed container of the step's view: marks the talk page

_JS = r"""
const WIDGET = 'input, textarea, select, [contenteditable="true"], [role="slider"], [role="combobox"], ' +
  '[role="listbox"], [role="radiogroup"], [role="spinbutton"], [role="menu"], [data-baseweb="select"]';
const MOVES = { ArrowRight: "next", PageDown: "next", ArrowLeft: "previous", PageUp: "previous", p: "run", P: "run" };
const BLANK = ["b", "B", "."];

function main() { return document.querySelector('[data-testid="stMain"]'); }

function press(name) {
  const button = document.querySelector(".st-key-" + window.__talkKeys.buttons[name] + " button");
  if (button && !button.disabled) button.click();
}

function blank(on) {
  let cover = document.getElementById("talk-blank");
  if (on && !cover) {
    cover = document.createElement("div");
    cover.id = "talk-blank";
    cover.setAttribute("aria-label", "Blank screen: press B to return");
    document.body.appendChild(cover);
  } else if (!on && cover) {
    cover.remove();
  }
}

function scroll(event, m) {
  if (m.scrollHeight <= m.clientHeight + 1) return false;
  const page = m.clientHeight * 0.85, line = 60;
  const by = { " ": event.shiftKey ? -page : page, ArrowDown: line, ArrowUp: -line }[event.key];
  if (by !== undefined) m.scrollBy({ top: by, behavior: "instant" });
  else if (event.key === "Home") m.scrollTo({ top: 0, behavior: "instant" });
  else if (event.key === "End") m.scrollTo({ top: m.scrollHeight, behavior: "instant" });
  else return false;
  return true;
}

function onKey(event) {
  if (!document.querySelector(".st-key-" + window.__talkKeys.view)) return;   // not the talk page
  if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
  const target = event.target;
  if (target && target.closest && target.closest(WIDGET)) return;        // the widget keeps its keys
  if (document.getElementById("talk-blank")) {                            // any key brings the screen back
    blank(false);
    if (BLANK.includes(event.key) || event.key === "Escape") { event.preventDefault(); return; }
  } else if (BLANK.includes(event.key)) {
    event.preventDefault();
    blank(true);
    return;
  }
  const move = MOVES[event.key];
  if (move && !event.shiftKey) {
    event.preventDefault();
    event.stopPropagation();
    press(move);
    return;
  }
  const onButton = target && target.closest && target.closest("button, a");
  const m = main();
  if (m && !(onButton && event.key === " ") && scroll(event, m)) event.preventDefault();
}

export default function (component) {
  const data = component.data || {};
  window.__talkKeys = { buttons: data.buttons, view: data.view };
  if (!window.__talkKeysOn) {
    window.__talkKeysOn = true;
    document.addEventListener("keydown", onKey, true);
  }
  return undefined;
}
"""

_keys_component = st.components.v2.component("rnn_playground.talk_keys", html="<span></span>", js=_JS,
                                              isolate_styles=False)


def talk_keys() -> None:
    """Mount the talk's key handler (draws nothing; call once per full run of /talk)."""
    _keys_component(key="talk_keys", data={"buttons": BUTTON_KEYS, "view": VIEW_KEY}, width="content",
                    height="content")
