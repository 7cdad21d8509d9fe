"""Widgets and panels of the Find-the-unit page (Streamlit glue over ``playground.lessons.unit_search``).

``pattern_ui`` draws the pattern controls for the session's task (a regular expression for a
char model; a window of timesteps or "between the marks" otherwise) and returns them as plain
values; ``search`` runs the search on the model's latest weights; the other ``*_ui`` functions
draw the ranking, one unit over the data, and the effect of silencing it, with a button that
opens /interventions with that unit silenced.
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from models.architectures import architecture
from playground.engine.run_summary import shown, shown_delta
from playground.errors import PlaygroundError
from playground.figures.units import make_sequence_activation_figure, make_text_activation_figure
from playground.ui.widgets import chart
from playground.lessons.unit_search import (MAX_PATTERN, PRESETS, SIGNALS, Search, search_sequences,
                                    search_text, text_loss_change)
from playground.ui.page_files import page_file

CUSTOM = "your own regular expression"
PATTERN_HELP = (f"RE2 syntax (as Python's re, without backreferences or lookaround), at most {MAX_PATTERN} "
                "characters; a longer one is refused with a note.")


def is_text(run) -> bool:
    """True for a char model (its task reads token ids and can decode them)."""
    return bool(getattr(run.task, "vocab_size", 0)) and hasattr(run.task, "decode") and \
        hasattr(run.task, "split_bounds")


def pattern_ui(run) -> dict:
    """The pattern controls; returns {"kind": "text", "pattern", "signal"} or {"kind": "sequence", ...}."""
    signals = ["h", "c"] if architecture(run.config.arch).has_cell_state else ["h"]
    cols = st.columns([2, 3, 1])
    signal = cols[2].radio("Activation", signals, format_func=SIGNALS.get, key="us_signal")
    if is_text(run):
        preset = cols[0].selectbox("Pattern", [*PRESETS, CUSTOM], key="us_preset")
        if preset == CUSTOM:
            # No max_chars: the browser would drop a longer paste without a word; the search's own
            # length check names the limit instead.
            pattern = cols[1].text_input(f"Regular expression (at most {MAX_PATTERN} characters)", '"[^"]*"',
                                         key="us_regex", help=PATTERN_HELP)
        else:
            pattern = PRESETS[preset]
            cols[1].text_input("Regular expression", pattern, disabled=True, key=f"us_shown_{preset}")
        return {"kind": "text", "pattern": pattern, "signal": signal}
    T = run.config.seq_len
    conditions = ["window"] + (["between marks"] if run.task.mark_channel is not None else [])
    condition = cols[0].selectbox("Mark", conditions, key="us_condition",
                                  format_func={"window": "a window of timesteps",
                                               "between marks": "between the two marked numbers"}.get)
    window = (1, T)
    if condition == "window" and T > 1:
        window = cols[1].slider("Timesteps", 1, T, (1, max(1, T // 4)), key="us_window")
    return {"kind": "sequence", "condition": condition, "window": tuple(window), "signal": signal}


def search(run, spec: dict) -> Search | None:
    """Run the search on the run's latest weights; None after a one-line error."""
    try:
        with run.lock:
            if spec["kind"] == "text":
                return search_text(run.net, run.task, spec["pattern"], spec["signal"])
            return search_sequences(run.net, run.task, spec["condition"], spec["window"], spec["signal"])
    except PlaygroundError as err:
        st.error(f"Cannot search: {err}.", icon=":material/error:")
        return None


def ranking_ui(found: Search) -> int:
    """The score of the best unit against a random one, the top ten, and a picker; returns the unit shown."""
    best = found.order[0]
    cols = st.columns(4)
    cols[0].metric("Best unit", f"{best}")
    cols[1].metric("Its |r|", f"{abs(found.r[best]):.3f}", help="Point-biserial correlation of the unit's "
                   "activation with the mark (1 inside, 0 outside)")
    cols[2].metric("A random unit's |r|", f"{found.random_unit_score:.3f}", help="The median |r| over all units")
    cols[3].metric("Marked positions", f"{int(found.mask.sum()):,} of {len(found.mask):,}")
    table = pd.DataFrame(found.top(10))
    st.dataframe(table, hide_index=True, width="stretch", height="content",
                 column_config={"r": st.column_config.NumberColumn(format="%.3f"),
                                "AUC": st.column_config.NumberColumn(format="%.3f"),
                                "mean inside": st.column_config.NumberColumn(format="%.3f"),
                                "mean outside": st.column_config.NumberColumn(format="%.3f")})
    units = [int(k) for k in found.order[:10]]
    return st.radio("Show unit", units, horizontal=True, key="us_unit",
                    format_func=lambda k: f"{k} (r = {found.r[k]:+.2f})")


def unit_data_ui(found: Search, unit: int) -> None:
    """The unit over the searched data (text or sequences), marked positions underlined."""
    values = found.acts[:, unit]
    if found.text is not None:
        first = int(found.mask.argmax())                       # start a little before the first mark
        start = max(0, first - 40)
        fig = make_text_activation_figure(found.text, values, found.mask, unit, start=start)
        alt = (f"Unit {unit} over about a thousand characters of the validation text, from character {start}: "
               "orange high, blue low; underlined characters are marked by the pattern.")
    else:
        fig = make_sequence_activation_figure(values.reshape(found.shape), found.mask.reshape(found.shape), unit)
        alt = f"Unit {unit} on the first sequences searched, timesteps across."
    chart(fig, "us_data", alt)


def silence_ui(run, found: Search, unit: int) -> None:
    """Loss inside and outside the mark with the unit silenced (char model), and a link to /interventions."""
    if found.text is not None:
        with run.lock:
            change = text_loss_change(run.net, run.task, found.mask, unit)
        cols = st.columns(4)
        cols[0].metric("Loss inside, as trained", f"{shown(change['trained inside'])} bits")
        cols[1].metric("Inside, unit silenced", f"{shown(change['silenced inside'])} bits",
                       delta=shown_delta(change['change inside']), delta_color="inverse")
        cols[2].metric("Loss outside, as trained", f"{shown(change['trained outside'])} bits")
        cols[3].metric("Outside, unit silenced", f"{shown(change['silenced outside'])} bits",
                       delta=shown_delta(change['change outside']), delta_color="inverse")
        st.caption("Next-character loss on the searched text, at the marked positions and elsewhere, with "
                   f"h_t (and c_t) of unit {unit} set to 0 at every step.")
    if st.button(f"Silence unit {unit} on the Interventions page", icon=":material/tune:", key="us_silence"):
        st.switch_page(page_file("interventions"), query_params={"iv_units": str(unit)})   # the link carries the edit
