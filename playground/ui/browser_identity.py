"""A random token that names this browser across reloads and sessions, kept in a cookie.

The token is made on the server (``secrets.token_urlsafe``: 192 random bits, never derived from
anything about the visitor) and written into a first-party cookie by a one-line script, so
every later session of the same browser sends it back (``st.context.cookies``). It is the
only key to the runs saved for the browser (``playground.backends.saved_runs``): nothing
else about the browser is read or stored.
"""
from __future__ import annotations

import re
import secrets

import streamlit as st

COOKIE = "rnn_playground_browser"
TOKEN_KEY = "_browser_token"             # this session's token while its cookie is not yet sent back
MAX_AGE_S = 30 * 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}\Z")


def browser_token() -> str:
    """This browser's token: the one its cookie carries, or a new one written into its cookie now."""
    sent = st.context.cookies.get(COOKIE)
    if isinstance(sent, str) and TOKEN.match(sent):
        return sent
    token = st.session_state.get(TOKEN_KEY)
    if token is None:
        token = st.session_state[TOKEN_KEY] = secrets.token_urlsafe(24)
    st.sidebar.html(f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age={MAX_AGE_S}; "
                    "SameSite=Strict';</script>", unsafe_allow_javascript=True)
    return token
