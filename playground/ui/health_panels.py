"""Streamlit glue of the health view: the live session count comes from Streamlit's runtime."""
from __future__ import annotations

import streamlit as st
from streamlit.runtime import Runtime

from playground.backends.health import health_report
from playground.ui.live_session import training_backend


def session_count() -> int:
    """Browser sessions connected to this server now."""
    try:
        return Runtime.instance()._session_mgr.num_active_sessions()   # no public API for the count
    except (RuntimeError, AttributeError):
        return 0


def health_ui() -> None:
    """The replica's name and load as metrics, and the same numbers as JSON (for scripts)."""
    report = health_report(session_count(), training_backend())
    cols = st.columns([2, 1, 1, 1, 1])     # the replica's name is the one wide value
    cols[0].metric("Replica", report["replica"])
    cols[1].metric("Sessions", report["sessions"])
    cols[2].metric("Runs training", report["training"], help=f"{report['waiting']} waiting for a trainer")
    cols[3].metric("Runs held", report["runs"])
    cols[4].metric("Load per trainer", report["load_factor"], help=f"{report['trainers']} trainers ({report['backend']})")
    st.caption("The same numbers as JSON, for scripts and monitors:")
    st.json(report, expanded=False)
