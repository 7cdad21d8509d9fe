"""The two-way link between widgets and the URL, shared by every page with shareable settings.

A page reads the URL into its widgets' session state before drawing them and writes the
widgets' values back after. The URL is applied only when it is news:

- on the session's first visit to the settings, or on the first run after a page switch
  (a shared link, a home-page card);
- or when it holds a query this session never wrote itself.

A query the session wrote itself is an echo. The browser sends its address bar with every
rerun; when arrow keys or a drag fire reruns faster than the address bar is updated, a
rerun arrives with a value from a few reruns ago. Applying it would pull the widget back
(63, 62, 61, 62, …) while the model and the URL follow another value; ignoring echoes
lets the widget that just moved win, and the URL then follows it. ``note_page`` (called by
the app for every full run) tells a page switch from a rerun of the same page.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

import streamlit as st

from playground.config import Field
from playground.links import AUTOSTART, AUTOSTART_FLAG
from playground.page_state import page_query, parse_page_query
from playground.ui.keys import PAGE, PREVIOUS_PAGE, url_notes, url_seen

SEEN_LIMIT = 64               # written queries remembered per page: an echo lags a few reruns at most


def note_page(name: str) -> None:
    """Record the page this full run draws (the app calls it once per run, after navigation)."""
    ss = st.session_state
    ss[PREVIOUS_PAGE] = ss.get(PAGE)
    ss[PAGE] = name


def _frozen(query: Mapping[str, str]) -> tuple:
    return tuple(sorted(query.items()))


def incoming_query(names: Iterable[str]) -> dict[str, str]:
    """The URL's value (the last one, when repeated) of each parameter in ``names``."""
    names = set(names)
    return {k: (values[-1] if values else "") for k in st.query_params
            if k in names for values in [st.query_params.get_all(k)]}


def url_is_news(namespace: str, incoming: Mapping[str, str]) -> bool:
    """True when ``incoming`` came from a link (a page switch, or a query this session never wrote)."""
    ss = st.session_state
    switched = ss.get(PREVIOUS_PAGE) != ss.get(PAGE)
    return switched or _frozen(incoming) not in ss.get(url_seen(namespace), [])


def remember_query(namespace: str, query: Mapping[str, str]) -> None:
    """Note ``query`` as one this session wrote (or applied): when it comes back, it is an echo."""
    key = url_seen(namespace)
    frozen = _frozen(query)
    seen = [q for q in st.session_state.get(key, []) if q != frozen]
    st.session_state[key] = (seen + [frozen])[-SEEN_LIMIT:]


def write_query(namespace: str, names: Iterable[str], query: Mapping[str, str]) -> None:
    """Make the URL's parameters in ``names`` equal ``query`` (others untouched); remember it."""
    remember_query(namespace, query)
    for key in list(st.query_params):
        if key in names and key not in query:
            del st.query_params[key]
    for key, value in query.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def take_autostart() -> bool:
    """True once when the URL asks to start training on load (``?autostart=1``); the flag is removed."""
    if st.query_params.get(AUTOSTART_FLAG) != AUTOSTART[AUTOSTART_FLAG]:
        return False
    del st.query_params[AUTOSTART_FLAG]
    return True


def page_settings_ui(namespace: str, table: Mapping[str, Field]) -> list[str]:
    """Before a page's widgets: the URL's settings (when news) or the session's or defaults, in state.

    Then the URL is made to match: at the start of a run session state already holds what the
    widgets were just set to, so the address bar follows them even when the page stops early.
    Returns notes on URL values that were ignored (shown by the caller as warnings).
    """
    ss = st.session_state
    notes_key = url_notes(namespace)
    incoming = incoming_query(table)
    first = url_seen(namespace) not in ss
    if (first or incoming) and (first or url_is_news(namespace, incoming)):
        values, notes = parse_page_query(table, incoming)
        if values or first:                    # a link with no usable value leaves the session's settings as they are
            for name, spec in table.items():
                ss[name] = values.get(name, spec.default)
        ss[notes_key] = notes
        remember_query(namespace, incoming)
    for name, spec in table.items():
        ss.setdefault(name, spec.default)      # a widget not drawn last run lost its state
    write_page_url(namespace, table)
    return ss.get(notes_key, [])


def write_page_url(namespace: str, table: Mapping[str, Field]) -> dict[str, Any]:
    """After a page's widgets: put their values (those not at their default) in the URL."""
    values = {name: st.session_state.get(name, spec.default) for name, spec in table.items()}
    write_query(namespace, table, page_query(table, values))
    return values
