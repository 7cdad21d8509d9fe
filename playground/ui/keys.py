"""The session-state keys the pages and the UI modules share, declared once.

=========================  ==================================================  ==========================================
key                        holds                                               written by
=========================  ==================================================  ==========================================
``LIVE_RUN``               the session's ``RunHandle`` of the Train page       ``live_session.get_run`` / ``replace_run``
                           (read by the teaching pages and Save & load)        (Train, Your data, Save & load)
``LANGUAGE_RUN``           the run trained on the Language model page          the Language model page (``teaching_session``)
``UPLOADED_TASK``          the ``Task`` built from the uploaded data           the Your data page, ``live_session``,
                                                                               ``model_panels`` (a loaded model's data)
``config_key(name)``       the run setting ``name``'s widget value             the sidebar (``settings_panels``), ``model_panels``
                           (``cfg_<name>``)
``LAST_VALID_CONFIG``      the last ``RunConfig`` the sidebar validated         ``settings_panels.config_sidebar_ui``
``URL_NOTES``              notes on run settings the URL carried but were       ``settings_panels.sync_from_url``
                           ignored
``PRESENTER``              this session's ``Presenter`` flags                  ``frame`` (URL flags, Leave presenter mode)
``PAGE_PRESENTER``         presenter flags of this page only (the talk's),     ``frame.enter_presenter_mode`` (cleared by
                           over the session's own                              ``setup_frame`` on every full run)
``TALK_CHOICE``            the built-in deck picked on /talk (widget value)    the Talk page's deck picker
``IMPORTED_NOTE``          the line shown after a model was loaded             ``model_panels``
``PAGE`` / ``PREVIOUS_PAGE``  the page this full run draws, and the last one   ``url_state.note_page`` (the entrypoint)
``url_seen(ns)``           queries a page's settings wrote to the URL          ``url_state.remember_query``
``url_notes(ns)``          notes on a teaching page's ignored URL settings     ``url_state.page_settings_ui``
=========================  ==================================================  ==========================================

Keys of one module's own bookkeeping (the talk player's deck and step, the upload previews, the
unit view's jump) stay beside that module; a widget's key used by one page only stays on it.
"""
from __future__ import annotations

LIVE_RUN = "live_run"
LANGUAGE_RUN = "language_run"
UPLOADED_TASK = "custom_task"
CONFIG_PREFIX = "cfg_"
LAST_VALID_CONFIG = "_last_valid_config"
URL_NOTES = "_url_notes"
PRESENTER = "presenter"
PAGE_PRESENTER = "_page_presenter"
TALK_CHOICE = "talk_choice"
IMPORTED_NOTE = "_imported_note"
PAGE, PREVIOUS_PAGE = "_url_page", "_url_previous_page"


def config_key(name: str) -> str:
    """The session key of the run setting ``name``'s widget."""
    return CONFIG_PREFIX + name


def url_seen(namespace: str) -> str:
    """The session key of the queries a page (``namespace``) wrote to the URL."""
    return f"_url_seen_{namespace}"


def url_notes(namespace: str) -> str:
    """The session key of the notes on a page's (``namespace``) ignored URL settings."""
    return f"_url_notes_{namespace}"
