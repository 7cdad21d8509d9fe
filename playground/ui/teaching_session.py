"""Streamlit glue for the teaching views: cached measurements and where a model comes from.

The gradients lab and the clipping experiment are pure functions of their settings,
so they are cached across sessions (``st.cache_data``). A character model comes from
this session's live run when it is a character LM (``live_run`` from /train, or
``language_run`` trained on /language), else from a small model trained once per
architecture and shared (``st.cache_resource``).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import streamlit as st

from playground.lessons.gradient_lab import ClipSetup, LabSetup, clipping_experiment, gradient_curves
from playground.lessons.language import SMALL_STEPS, small_charlm_config, train_small
from playground.config import RunConfig
from playground.errors import PlaygroundError
from playground.ui.keys import LANGUAGE_RUN, LIVE_RUN

SESSION_KEYS = (LIVE_RUN, LANGUAGE_RUN)     # where a character model of this session may be


@st.cache_data(show_spinner="Measuring gradients through time…", max_entries=64)
def cached_gradient_curves(**settings) -> dict:
    """gradient_curves(LabSetup(**settings)) for every cell with a recurrent matrix, cached."""
    return gradient_curves(LabSetup(**settings))


@st.cache_data(show_spinner="Training the exploding RNN twice (without and with clipping)…", max_entries=16)
def cached_clipping(**settings) -> list:
    """clipping_experiment(ClipSetup(**settings)), cached."""
    return clipping_experiment(ClipSetup(**settings))


@dataclass
class CharModel:
    """A character model to look into, with the lock that guards it and where it came from."""

    net: object
    task: object
    lock: threading.Lock
    label: str
    run: object | None = None


def is_char_lm(run) -> bool:
    """True when ``run`` is a live run of a character-level language model."""
    from playground.tasks.chartext import CharTextTask

    return run is not None and isinstance(run.task, CharTextTask)


def session_char_model() -> CharModel | None:
    """This session's character model (from /train first, then /language), if any."""
    for key in SESSION_KEYS:
        run = st.session_state.get(key)
        if is_char_lm(run):
            where = ("your live run from the Train page" if key == LIVE_RUN
                     else "the model trained on the Language model page")
            return CharModel(run.net, run.task, run.lock,
                             f"{where}: {run.config.arch.upper()}, H={run.config.hidden}, "
                             f"step {run.step_count:,}", run)
    return None


@st.cache_resource(show_spinner=f"Training a small character model ({SMALL_STEPS} steps, once per architecture)…")
def shared_small_char_model(arch: str) -> CharModel:
    """A small character model trained once per architecture and shared by every session."""
    trainer = train_small(small_charlm_config(arch))
    c = trainer.config
    return CharModel(trainer.net, trainer.task, threading.Lock(),
                     f"a small {arch.upper()} (H={c.hidden}) trained here for {trainer.step_count} steps "
                     f"(shared; train your own on /train for a better one)")


def train_here_ui(config: RunConfig, seconds: float, key: str):
    """Train a fresh run of ``config`` in the backend for ``seconds``, with a progress bar; keep it as ``key``.

    The run trains in a worker; this only waits, redrawing the bar with what was published. The
    run is kept only when training ran its course: a refusal, or a rerun that cuts the script short
    during "Training…", closes it (``run_transaction``).
    """
    from playground.ui.live_session import replace_run, run_transaction

    try:
        with run_transaction(replacing=[st.session_state.get(key)]) as open_run:
            run = open_run(config)
            metric = run.task.metric_name
            bar = st.progress(0.0, text="Training…")
            run.set_running(True)
            start = time.perf_counter()
            while (elapsed := time.perf_counter() - start) < seconds and not run.error:
                run.backend.wait_published(run.run_id, run.view.version, timeout=0.5)
                val = run.last_val
                bar.progress(min(1.0, elapsed / seconds), text=f"Training: step {run.step_count}, validation "
                                                              f"{metric} {val:.3g}" if val is not None else "Training…")
            run.set_running(False)
            bar.empty()
            replace_run(key, run)
    except PlaygroundError as err:
        st.error(f"Cannot build this run: {err}", icon=":material/error:")
        return None
    return run
