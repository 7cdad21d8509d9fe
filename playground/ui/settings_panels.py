"""The shared run-settings sidebar and its two-way link with the URL query string.

Widgets keep their values in session state under ``cfg_<field>`` keys (surviving page
switches); the URL carries every setting that differs from the default, so a link
reproduces a setup. A URL that differs from what this session last wrote (a shared
link, a gallery card) is applied to the widgets; a broken or hostile parameter falls
back to its default with a visible note.
"""
from __future__ import annotations

import streamlit as st

from models.networks import DEFAULT_NETWORK, NETWORK_LABELS, network_shape
from playground.config import CUSTOM_TASK, FIELDS, RunConfig, from_query
from playground.errors import ConfigError
from playground.figures.style import ARCH_LABELS
from playground.tasks import TASKS
from playground.ui.frame import current_presenter
from playground.ui.keys import LAST_VALID_CONFIG, UPLOADED_TASK, URL_NOTES, config_key
from playground.ui.url_state import incoming_query, remember_query, url_is_news, write_query
from playground.ui.widgets import field_widget

MORE = tuple(name for name, spec in FIELDS.items() if spec.group == "more")   # under "More settings"

NAMESPACE = "run"          # the run settings' URL history (playground.ui.url_state)


def current_config() -> RunConfig:
    """The config the widgets hold now (defaults for any not yet drawn)."""
    values = {name: st.session_state[config_key(name)] for name in FIELDS if config_key(name) in st.session_state}
    try:
        return RunConfig(**values)
    except TypeError:
        return RunConfig()


def _set_widgets(config: RunConfig) -> None:
    for name in FIELDS:
        st.session_state[config_key(name)] = getattr(config, name)


def sync_from_url() -> list[str]:
    """Apply the URL's settings when they are news to this session; return notes on bad ones.

    News means a link (a page switch or a query this session never wrote): an echo of a query
    the session wrote itself, which the browser sends while it lags behind fast reruns, never
    pulls the widgets back (see ``playground.ui.url_state``).
    """
    incoming = incoming_query(FIELDS)
    # An empty query is a page switch (navigation drops the URL's parameters): keep the session's settings.
    if config_key("arch") in st.session_state and (not incoming or not url_is_news(NAMESPACE, incoming)):
        return st.session_state.get(URL_NOTES, [])
    config, notes = from_query(incoming, RunConfig())
    if len(notes) < len(incoming) or config_key("arch") not in st.session_state:
        _set_widgets(config)             # a link with no usable value leaves the session's settings (and run) as they are
    st.session_state[URL_NOTES] = notes
    remember_query(NAMESPACE, incoming)
    return notes


def write_url(config: RunConfig) -> None:
    """Put ``config`` in the query string (keeping other parameters, dropping defaults)."""
    write_query(NAMESPACE, FIELDS, config.to_query())


def model_line(config: RunConfig) -> str:
    """The trained model's shape in one line (what the run was built with, not what the widgets say);
    a network without a recurrent cell says the cell setting does not apply to it."""
    shape = network_shape(config.network)
    if not shape.takes_cell:
        return (f"{shape.label} (no recurrent cell: the cell setting does not apply), width {config.hidden}, "
                f"1 layer, T = {config.seq_len}, seed {config.seed}")
    wired = "" if config.network == DEFAULT_NETWORK else f" ({NETWORK_LABELS[config.network]})"
    return (f"{ARCH_LABELS[config.arch]}{wired}, H = {config.hidden}, {config.layers} "
            f"layer{'s' if config.layers > 1 else ''}, T = {config.seq_len}, seed {config.seed}")


def _task_title(name: str) -> str:
    """Picker label: the uploaded data's title for the custom task, else task_label."""
    if name == CUSTOM_TASK:
        task = st.session_state.get(UPLOADED_TASK)
        return f"Your data: {getattr(task, 'title', 'uploaded')} · {getattr(task, 'topology', '')}"
    return task_label(name)


def task_label(name: str) -> str:
    """The task's human title, with its topology, for the task picker (read from its class: no data built)."""
    cls = TASKS[name]
    return f"{cls.title or name} · {cls.topology}"


# Format functions that need the session (the uploaded task's title) or the display names.
FORMATS = {"arch": ARCH_LABELS.get, "task": _task_title, "network": NETWORK_LABELS.get}


def config_sidebar_ui(fields: tuple[str, ...] | None = None) -> RunConfig:
    """Draw the run settings in the sidebar; return the validated config.

    ``fields`` limits which settings are shown (others keep their values). A value the
    widgets allow but the task rejects (e.g. a lag longer than the sequence) is shown
    as an error and the previous valid config is returned.
    """
    presenter = current_presenter()
    shown = {name for name in (fields or FIELDS) if not presenter.hides(name)}
    if presenter.hides("more"):
        shown -= set(MORE)
    ss = st.session_state
    tasks = list(TASKS) + ([CUSTOM_TASK] if ss.get(UPLOADED_TASK) is not None else [])
    if ss.get(config_key("task")) == CUSTOM_TASK and CUSTOM_TASK not in tasks:
        ss[config_key("task")] = RunConfig().task          # the uploaded data is gone (e.g. a new session)
        st.sidebar.info("This link trains on uploaded data, which stays in the browser session that "
                        "uploaded it; upload it on the Your data page. Showing the default task.")
    options = {"task": tasks}                                  # the uploaded data joins the tasks
    values = {name: ss.get(config_key(name)) for name in FIELDS}
    drawn = [name for name, spec in FIELDS.items()
             if name in shown and (spec.shown_when is None or spec.shown_when.holds(values, shown))]
    with st.sidebar:
        st.subheader("Run settings")
        boxes = {"main": st.container(),
                 "more": st.expander("More settings", expanded=False) if shown & set(MORE) else st.container()}
        for name in drawn:
            with boxes[FIELDS[name].group]:
                field_widget(FIELDS[name], key=config_key(name), options=options.get(name),
                             format_func=FORMATS.get(name), persist_state="session")
    config = current_config()
    try:
        from playground.config import validate
        from playground.tasks import check_task

        validate(config)
        if config.task != CUSTOM_TASK:           # the uploaded task is built by get_run
            check_task(config)                   # no data built: the run builds its task once
    except ConfigError as err:
        st.sidebar.error(f"{err}. Keeping the last valid settings.")
        return ss.get(LAST_VALID_CONFIG, RunConfig())
    ss[LAST_VALID_CONFIG] = config
    return config
