"""Bounds on the uploads a session holds, checked on the server before a byte is read.

Streamlit keeps every uploaded file in the server's memory until its widget lets go of it or
the session ends, up to the server's ``maxUploadSize`` per file; a widget's own
``max_upload_size`` is enforced only by the browser. ``admitted`` checks an upload against
its widget's limit and the session's total (``SESSION_UPLOAD_BYTES``, every uploader of the
session together) before anything parses it; a file over either is dropped from the server's
memory at once and refused with a one-line message naming the limit.
"""
from __future__ import annotations

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from playground.io.checkpoint_format import MAX_FILE_BYTES
from playground.io.upload_limits import MAX_BYTES

SESSION_UPLOAD_BYTES = MAX_FILE_BYTES + MAX_BYTES + 2**20     # a weights file, a data file and a deck at once


def _manager_and_session():
    """(the server's uploaded-file manager, this session's id), or (None, None) outside a server."""
    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None, None
    return runtime.get_instance().uploaded_file_mgr, ctx.session_id


def held_upload_bytes() -> int:
    """Bytes of uploaded files the server holds for this session, every uploader together."""
    manager, session_id = _manager_and_session()
    storage = getattr(manager, "file_storage", {}).get(session_id, {}) if manager is not None else {}
    return sum(len(record.data) for record in list(storage.values()))


def drop(upload) -> None:
    """Let go of ``upload``'s bytes on the server now (the widget then reads as empty)."""
    manager, session_id = _manager_and_session()
    if manager is not None:
        manager.remove_file(session_id, upload.file_id)


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


def _limit(size: int) -> str:
    return f"{size / 2**20:.3g} MB"


def admitted(upload, limit_bytes: int, session_bytes: int | None = None):
    """``upload`` when it is within ``limit_bytes`` and the session's uploads within ``session_bytes``
    (default ``SESSION_UPLOAD_BYTES``); else None, after a one-line error and dropping its bytes."""
    if upload is None:
        return None
    cap = SESSION_UPLOAD_BYTES if session_bytes is None else session_bytes
    if upload.size > limit_bytes:
        st.error(f"Cannot read this file: it is {_mb(upload.size)} ({upload.size:,} bytes); the limit is "
                 f"{_limit(limit_bytes)}. Upload a smaller file.", icon=":material/error:")
    elif (held := max(held_upload_bytes(), upload.size)) > cap:
        st.error(f"Your uploads in this session would hold {_mb(held)}, over the limit of {_limit(cap)} per "
                 "session: remove an earlier upload (its ×) and try again.", icon=":material/error:")
    else:
        return upload
    drop(upload)
    return None
