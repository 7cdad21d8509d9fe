"""The replay panel: an animation of how the run's insides changed over training.

Draws ``make_replay_figure`` from the run's records (one per redraw, thinned when
many): the animation plays in the browser, so pressing Play costs no reruns. While the
run trains, the panel asks for a pause instead: redrawing would restart the animation.
"""
from __future__ import annotations

import streamlit as st

from playground.figures.replay import make_replay_figure, replay_summary
from playground.figures.style import GATE_TITLES
from playground.ui.widgets import chart


def replay_ui(run, key: str) -> None:
    """Gate picker and the animated replay of trajectories, that gate and ||dL/dh_t|| over training."""
    if run.running:
        st.info("Pause training to replay the run so far.", icon=":material/pause:")
        return
    records = list(run.records)
    if len(records) < 2:
        st.info("Train a few steps first: each redraw records one frame of the replay.", icon=":material/info:")
        return
    options = ["h"] + [name for name in records[-1].gates if name != "h"]
    gate = st.radio("Heatmap of", options, horizontal=True, key=f"{key}_replay_gate",
                    format_func=lambda name: GATE_TITLES.get(name, name))
    fig = make_replay_figure(records, gate, title=f"Replay: {len(records)} probes, steps "
                                                  f"{records[0].step}–{records[-1].step}")
    chart(fig, f"{key}_replay", replay_summary(records, gate) + " Press Play or drag the slider.")
