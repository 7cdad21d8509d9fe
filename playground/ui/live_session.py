"""Streamlit glue for one session's live run: create, reset, start, pause, step — as commands.

The session holds a ``RunHandle`` in ``st.session_state`` (one per browser session, so two
users never share a model); training happens in the backend's worker processes, never in
a script thread. Start/Pause/Step/Reset act in callbacks, before the rerun draws the page;
Start and Pause are separate buttons, each asking for its state (``playground.ui.presses``). Every
page makes its runs here (``new_run``, ``run_transaction``), through the session's ledger
(``playground.backends.ledger``): one cap on the live runs a session holds, idle runs parked.
A run is kept only once it is stored in session state; one that a refusal or a rerun cuts
off on its way there is closed. The session's runs are closed when the session ends
(``session_runs``'s release hook), which frees their memory in the workers; the Train page's
run is first saved for the browser (``playground.backends.saved_runs``), so a reload, or a
return after the session closed, gets it back (``run_back``).
"""
from __future__ import annotations

import contextlib

import streamlit as st

from playground.config import CUSTOM_TASK, RunConfig
from playground.errors import PlaygroundError
from playground.backends import default_backend
from playground.backends.ledger import SessionLedger
from playground.backends.run_handle import RunHandle
from playground.backends.saved_runs import saved_runs
from playground.io import export
from playground.live_settings import needs_reset
from playground.tasks import make_task
from playground.ui.browser_identity import browser_token
from playground.ui.frame import button_hint
from playground.io.user_data import with_seq_len
from playground.ui.keys import LIVE_RUN, UPLOADED_TASK
from playground.ui.presses import start_pause_control



@st.cache_resource(scope="session", on_release=SessionLedger.end, show_spinner=False)
def session_runs() -> SessionLedger:
    """This session's ledger of runs: its cap on live runs; when the session ends, its Train page run is
    saved for the browser's next session and the others are closed."""
    return SessionLedger()


def training_backend():
    """The server's training backend: the embedded worker pool, or Ray when a cluster is configured."""
    return default_backend()


def new_run(config: RunConfig, task=None, weights=None, resume=None) -> RunHandle:
    """Submit a run to the backend for this session; waits for its first snapshot.

    Raises PlaygroundError (AdmissionError at the session's cap). A run that does not come back
    from here (whatever interrupts the wait, a rerun included) is closed: nothing is left held.
    """
    handle = RunHandle(training_backend(), config, task, weights, resume, ledger=session_runs())
    try:
        handle.wait_ready()
    except BaseException:
        handle.close()
        raise
    return handle


def sweep_place():
    """A place in this session's ledger for a sweep, counted as one live run: call ``release()`` on it
    when the sweep ends. Raises AdmissionError (one line naming the cap) when the session is full."""
    return session_runs().hold("sweep")


@contextlib.contextmanager
def run_transaction(replacing=()):
    """Open runs that are kept only if the block completes: ``with run_transaction() as open_run:``.

    ``open_run(config, task=None, weights=None, resume=None)`` is ``new_run``. Store the runs
    (``replace_run``) inside the block: on any exception — a refusal of a later run, or
    Streamlit's rerun or stop cutting the script short — every run opened in the block is closed.
    The runs in ``replacing`` (the ones the block replaces) hold no place in the ledger meanwhile.
    """
    opened: list[RunHandle] = []

    def open_run(config: RunConfig, task=None, weights=None, resume=None) -> RunHandle:
        opened.append(new_run(config, task, weights, resume))
        return opened[-1]

    try:
        with session_runs().replacing(list(replacing)):
            yield open_run
    except BaseException:
        for handle in opened:
            handle.close()
        raise


def replace_run(key: str, new: RunHandle) -> None:
    """Install ``new`` as the session's run under ``key`` and free the one it replaces."""
    old = st.session_state.get(key)
    st.session_state[key] = new
    if old is not None and old is not new and hasattr(old, "close"):
        old.close()


def get_run(config: RunConfig, key: str = LIVE_RUN, task=None) -> RunHandle | None:
    """This session's run for ``config``: a new one when a structural setting changed.

    Live settings (``playground.live_settings``) are sent to the running model. Returns the old
    run (after showing the reason) when the config cannot be built or is refused.
    """
    run: RunHandle | None = st.session_state.get(key)
    if key == LIVE_RUN and (run is None or isinstance(run, RunHandle) and run.view.closed):
        run = run_back(config) or run
    if config.task == CUSTOM_TASK and task is None:
        task = custom_task(config)
        if task is None:
            return run
    if run is not None and not needs_reset(run.config, config) and (config.task != CUSTOM_TASK or run.task is task):
        run.apply_live_settings(config)
        keep_for_browser(run, key)
        return run
    was_running = run is not None and run.running and not run.error
    try:
        with run_transaction(replacing=[run]) as open_run:
            new = open_run(config, task)
            replace_run(key, new)                    # stored before anything else can cut the script short
    except PlaygroundError as err:
        st.error(f"Cannot build this run: {err}", icon=":material/error:")
        return st.session_state.get(key)
    if run is not None:
        if was_running:
            set_running(new, True)
        st.toast("Settings changed: the model was re-initialised.")
    keep_for_browser(new, key)
    return new


def keep_for_browser(run: RunHandle, key: str) -> None:
    """Have the session's end save the Train page's run for this browser (a run on uploaded data,
    which a later session may not have, is not kept)."""
    if key == LIVE_RUN:
        session_runs().keep_for_browser(browser_token() if run.config.task != CUSTOM_TASK else None, run)


def run_back(config: RunConfig) -> RunHandle | None:
    """The run this browser's last session left on the Train page (saved when that session ended),
    restored exactly and stored as the session's run, when its settings are ``config``'s; else None."""
    if config.task == CUSTOM_TASK:
        return None
    token, store = browser_token(), saved_runs()
    data = store.read(token)
    if data is None:
        return None
    try:
        with run_transaction() as open_run:
            def same_settings(saved, task, weights, resume):
                return None if needs_reset(saved, config) else open_run(saved, task, weights, resume)

            back = export.import_run(data, lambda name, saved: make_task(saved), same_settings)
            if back is not None:
                replace_run(LIVE_RUN, back)
    except PlaygroundError:
        store.discard(token)                     # unusable now (e.g. refused): not offered again
        return None
    if back is not None:
        store.discard(token)
        st.toast(f"Your run is back where you left it, at step {back.step_count:,}.", icon=":material/restore:")
    return back


def custom_task(config: RunConfig):
    """The session's uploaded task, rebuilt for ``config.seq_len`` if needed; None (with a message) if unusable."""
    task = st.session_state.get(UPLOADED_TASK)
    if task is None:
        st.error("No uploaded data in this session: upload it on the Your data page.", icon=":material/upload_file:")
        return None
    try:
        rebuilt = with_seq_len(task, config.seq_len)
    except PlaygroundError as err:
        st.error(f"Cannot use your data with these settings: {err}")
        return None
    st.session_state[UPLOADED_TASK] = rebuilt
    return rebuilt


def set_running(run: RunHandle, running: bool) -> None:
    """Start (or queue for a free trainer) or pause ``run``; a pause returns once it holds.

    ``running`` is the state the reader asked for (``playground.ui.presses``), never a flip of
    the current one: asked twice, it is set once.
    """
    try:
        run.set_running(running)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def controls_ui(run: RunHandle, key: str = LIVE_RUN) -> None:
    """Start/Pause, Step and Reset buttons (keyboard-focusable), acting on the session's run under ``key``.

    Each acts, in a callback, on the run the session holds when the press arrives, not on the one
    the page was drawn with: a press that lands while a rerun replaces the run or the buttons is
    still applied to the run the reader sees next.
    """
    cols = st.columns([1, 1, 1, 4])
    start_pause_control(cols[0], run.running, key, lambda wanted: _with_run(key, set_running, wanted))
    # Step is never disabled: a full rerun cut short by a fragment's could leave a disabled Step
    # drawn beside Start, with nothing left to redraw it; a Step while training does nothing.
    cols[1].button("Step", icon=":material/skip_next:", key=f"{key}_step", width="stretch",
                   help=button_hint("One training update, then redraw"), on_click=lambda: _with_run(key, step_run))
    cols[2].button("Reset", icon=":material/restart_alt:", key=f"{key}_reset", width="stretch",
                   help=button_hint("New weights from the seed; history cleared"),
                   on_click=lambda: _with_run(key, reset_run, key))


def _with_run(key: str, act, *args) -> None:
    """``act(run, *args)`` on the session's run under ``key`` now (nothing when there is none)."""
    run = st.session_state.get(key)
    if run is not None:
        act(run, *args)


def step_run(run: RunHandle, target: int | None = None) -> None:
    """One training update past the step count now (train up to ``target`` instead, if given); returns
    once it is drawn-ready. A paused run only: a Step pressed while training does nothing."""
    if target is None and run.running:
        return
    try:
        run.step_to(run.step_count + 1 if target is None else target)
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def reset_run(run: RunHandle, key: str) -> None:
    """A fresh run with the same settings and task: new weights from the seed, history cleared."""
    try:
        with run_transaction(replacing=[run]) as open_run:
            replace_run(key, open_run(run.config, run.task if run.config.task == CUSTOM_TASK else None))
    except PlaygroundError as err:
        st.toast(str(err), icon=":material/error:")


def run_status(run: RunHandle) -> tuple[str, str] | None:
    """The run's error, note, or place in the queue for a free trainer, as (kind, one line): kind
    "error" or "info"; None when there is nothing to say."""
    if run.error:
        return "error", f"Training paused: {run.error}"
    if run.queue_position is not None:
        ahead = run.queue_position
        return "info", (f"Waiting for a free trainer: {ahead} ahead of you." if ahead else
                        "Waiting for a free trainer: you are next.")
    if run.note and not run.running:
        return "info", run.note
    return None


STATUS_ICONS = {"error": ":material/warning:", "info": ":material/info:"}


def run_status_ui(run: RunHandle) -> None:
    """The run's status line (``run_status``) as a Streamlit alert, if there is one."""
    status = run_status(run)
    if status is not None:
        kind, text = status
        (st.error if kind == "error" else st.info)(text, icon=STATUS_ICONS[kind])


def server_load_ui() -> None:
    """One line on this server's trainers: how many, and the runs they hold, train and queue."""
    load = training_backend().load()
    st.caption(f"This server: {load['workers']} trainer{'s' if load['workers'] != 1 else ''} · "
               f"{load['runs']} runs held · {load['training']} training · {load['waiting']} waiting",
               help="Runs train in worker processes, one per CPU this server may use; runs beyond "
                    "what they can train at once wait in a queue. A closed tab's run is freed.")
