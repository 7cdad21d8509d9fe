"""The shared run-settings sidebar and its two-way link with the URL query string.

Widgets keep their values in session state under ``cfg_<field>`` keys (surviving page
switches); the URL carries every setting that differs from the default, so a link
reproduces a setup. A URL that differs from what this session last wrote (a shared
link, a gallery card) is applied to the widgets; a broken or hostile parameter falls
back to its default with a visible note.
"""
from __future__ import annotations

from functools import lru_cache

import streamlit as st

from models.architectures import ACTIVATIONS, ARCHITECTURES
from playground.config import CUSTOM_TASK, FIELDS, RunConfig, from_query
from playground.errors import ConfigError
from playground.figures.style import ARCH_LABELS
from playground.tasks import TASKS
from playground.ui.frame import current_presenter
from playground.ui.live_session import CUSTOM_TASK_KEY
from playground.ui.url_state import incoming_query, remember_query, url_is_news, write_query

MORE = ("batch", "optimizer", "init", "radius", "seed")   # the settings under "More settings"

PREFIX = "cfg_"
NAMESPACE = "run"          # the run settings' URL history (playground.ui.url_state)
NOTES = "_url_notes"


def _key(name: str) -> str:
    return PREFIX + name


def current_config() -> RunConfig:
    """The config the widgets hold now (defaults for any not yet drawn)."""
    values = {name: st.session_state[_key(name)] for name in FIELDS if _key(name) in st.session_state}
    try:
        return RunConfig(**values)
    except TypeError:
        return RunConfig()


def _set_widgets(config: RunConfig) -> None:
    for name in FIELDS:
        st.session_state[_key(name)] = getattr(config, name)


def sync_from_url() -> list[str]:
    """Apply the URL's settings when they are news to this session; return notes on bad ones.

    News means a link (a page switch or a query this session never wrote): an echo of a query
    the session wrote itself, which the browser sends while it lags behind fast reruns, never
    pulls the widgets back (see ``playground.ui.url_state``).
    """
    incoming = incoming_query(FIELDS)
    # An empty query is a page switch (navigation drops the URL's parameters): keep the session's settings.
    if _key("arch") in st.session_state and (not incoming or not url_is_news(NAMESPACE, incoming)):
        return st.session_state.get(NOTES, [])
    config, notes = from_query(incoming, RunConfig())
    _set_widgets(config)
    st.session_state[NOTES] = notes
    remember_query(NAMESPACE, incoming)
    return notes


def write_url(config: RunConfig) -> None:
    """Put ``config`` in the query string (keeping other parameters, dropping defaults)."""
    write_query(NAMESPACE, FIELDS, config.to_query())


def model_line(config: RunConfig) -> str:
    """The trained model's shape in one line (what the run was built with, not what the widgets say)."""
    return (f"{ARCH_LABELS[config.arch]}, H = {config.hidden}, {config.layers} "
            f"layer{'s' if config.layers > 1 else ''}, T = {config.seq_len}, seed {config.seed}")


def _task_title(name: str) -> str:
    """Picker label: the uploaded data's title for the custom task, else task_label."""
    if name == CUSTOM_TASK:
        task = st.session_state.get(CUSTOM_TASK_KEY)
        return f"Your data: {getattr(task, 'title', 'uploaded')} · {getattr(task, 'topology', '')}"
    return task_label(name)


@lru_cache(maxsize=None)
def task_label(name: str) -> str:
    """The task's human title, with its topology, for the task picker."""
    task = TASKS[name]()
    return f"{task.title or name} · {task.topology}"


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
    tasks = list(TASKS) + ([CUSTOM_TASK] if ss.get(CUSTOM_TASK_KEY) is not None else [])
    if ss.get(_key("task")) == CUSTOM_TASK and CUSTOM_TASK not in tasks:
        ss[_key("task")] = RunConfig().task          # the uploaded data is gone (e.g. a new session)
        st.sidebar.info("This link trains on uploaded data, which stays in the browser session that "
                        "uploaded it; upload it on the Your data page. Showing the default task.")
    with st.sidebar:
        st.subheader("Run settings")
        if "arch" in shown:
            st.segmented_control("Architecture", list(ARCH_LABELS), key=_key("arch"), persist_state="session",
                                 format_func=ARCH_LABELS.get, required=True,
                                 help="Vanilla (Elman) RNN, gated recurrent unit, long short-term memory")
        if "task" in shown:
            st.selectbox("Task", tasks, key=_key("task"), persist_state="session", format_func=_task_title)
        if "seq_len" in shown:
            st.slider("Sequence length T", 1, FIELDS["seq_len"].high, key=_key("seq_len"), persist_state="session",
                      help="Longer sequences need longer memory: the vanilla RNN fails first.")
        if "lag" in shown and ss.get(_key("task")) == "copy":
            st.number_input("Copy lag (steps)", 1, FIELDS["lag"].high, key=_key("lag"), persist_state="session")
        if "hidden" in shown:
            st.slider("Hidden units H", 1, FIELDS["hidden"].high, key=_key("hidden"), persist_state="session")
        if "layers" in shown:
            st.radio("Layers", [1, 2, 3], key=_key("layers"), persist_state="session", horizontal=True)
        chosen = ARCHITECTURES.get(ss.get(_key("arch")))
        if "activation" in shown and ((chosen is not None and chosen.takes_activation) or "arch" not in shown):
            st.radio("Activation (vanilla RNN)", list(ACTIVATIONS), key=_key("activation"), persist_state="session", horizontal=True)
        if "lr" in shown:
            st.number_input("Learning rate", FIELDS["lr"].low, FIELDS["lr"].high, key=_key("lr"), persist_state="session",
                            format="%.4g", step=0.001, help="Takes effect at once, without a reset.")
        if "clip" in shown:
            st.number_input("Gradient clipping (max norm, 0 = off)", 0.0, FIELDS["clip"].high,
                            key=_key("clip"), persist_state="session", step=0.5, format="%.3g",
                            help="Rescales the gradient when its global norm exceeds this. Takes effect at once.")
        with st.expander("More settings", expanded=False) if shown & set(MORE) else st.container():
            if "batch" in shown:
                st.slider("Batch size", 1, FIELDS["batch"].high, key=_key("batch"), persist_state="session")
            if "optimizer" in shown:
                st.radio("Optimiser", ["adam", "sgd"], key=_key("optimizer"), persist_state="session", horizontal=True)
            if "init" in shown:
                st.selectbox("Initialisation of W_hh", ["default", "orthogonal", "identity", "spectral"],
                             key=_key("init"), persist_state="session",
                             help="default: PyTorch's uniform; identity: IRNN (Le et al. 2015); "
                                  "spectral: random W_hh scaled to spectral radius ρ")
            if "radius" in shown and ss.get(_key("init")) == "spectral":
                st.slider("Spectral radius ρ", 0.01, 3.0, key=_key("radius"), persist_state="session", step=0.01)
            if "seed" in shown:
                st.number_input("Seed", 0, FIELDS["seed"].high, key=_key("seed"), persist_state="session",
                                help="Same seed and settings give the same run.")
    config = current_config()
    try:
        from playground.config import validate
        from playground.tasks import make_task

        validate(config)
        if config.task != CUSTOM_TASK:           # the uploaded task is built by get_run
            make_task(config)
    except ConfigError as err:
        st.sidebar.error(f"{err}. Keeping the last valid settings.")
        return ss.get("_last_valid_config", RunConfig())
    ss["_last_valid_config"] = config
    return config
