"""Streamlit glue of the sweep page: the grid form, the session's sweep, its progress and results.

The session holds at most one ``SweepRun`` (``playground.sweeps.runner``): Ray trains the
trials, a thread of the SweepRun collects them, and the page only polls ``progress()``. A
session that ends cancels its sweep (the release hook of ``session_sweep``). A session starts
no second sweep while its first runs, and the server runs at most ``MAX_SWEEPS_AT_ONCE``: one
more is a "busy, try again" line. ``?autostart=1`` starts the URL's preset only under both rules,
so a link opened in many tabs starts at most one sweep per session and never more than the server allows.
"""
from __future__ import annotations

import streamlit as st

from models.architectures import ARCH_NAMES, DEFAULT_ARCH
from playground.config import FIELDS
from playground.errors import PlaygroundError
from playground.figures.sweep import make_memory_figure
from playground.sweeps.grid import MAX_FIELD_CHARS, MAX_SWEEP_STEPS, SweepSpec, spec_from_strings
from playground.sweeps.presets import PRESETS
from playground.sweeps.results import memory_curve, results_frame, series_fields, shown_table, url_query
from playground.sweeps.runner import SweepRun, SweepsBusyError, start_sweep
from playground.tasks import TASKS
from playground.links import PRESET_PARAM
from playground.ui.live_session import sweep_place
from playground.ui.page_files import page_file
from playground.ui.url_state import take_autostart
from playground.ui.widgets import field_widget
from playground.ui.presses import state_button

DEFAULT_PRESET = "memory"
CHOSEN_APART = ("arch", "task")     # the form's own widgets; every other run setting is a text box
GRID_FIELDS = tuple(name for name in FIELDS if name not in CHOSEN_APART)
FIELDS_PER_ROW = 5


class SessionSweep:
    """The session's sweep, cancelled when the session ends.

    A running sweep holds one place in the session's ledger of live runs (``sweep_place``), given
    back as soon as the sweep is seen finished or is cancelled.
    """

    def __init__(self):
        self.run: SweepRun | None = None
        self.place = None

    def replace(self, run: SweepRun, place) -> None:
        """Install a new sweep and the ledger place it holds; the one before it is cancelled."""
        self.cancel()
        self.run, self.place = run, place
        place.lasts_while(lambda: not run.progress().finished)   # a finished sweep frees it unseen too

    def cancel(self) -> None:
        """Cancel the sweep, if one runs, and give back its place."""
        if self.run is not None:
            self.run.cancel()
        self._release()

    def running(self) -> bool:
        """True while the session's sweep has not finished (a finished sweep gives back its place)."""
        if self.run is not None and not self.run.progress().finished:
            return True
        self._release()
        return False

    def _release(self) -> None:
        if self.place is not None:
            self.place.release()
            self.place = None


@st.cache_resource(scope="session", on_release=SessionSweep.cancel, show_spinner=False)
def session_sweep() -> SessionSweep:
    """This session's sweep holder (released, and its sweep cancelled, when the session ends)."""
    return SessionSweep()


def url_preset():
    """The preset named by ``?preset=`` (the home gallery's link), else the memory sweep."""
    return PRESETS.get(st.query_params.get(PRESET_PARAM, DEFAULT_PRESET), PRESETS[DEFAULT_PRESET])


def autostart() -> None:
    """``?autostart=1`` (the gallery's one click): start the URL's preset once, unless a sweep runs."""
    if not take_autostart() or session_sweep().running():
        return
    preset = url_preset()
    start_session_sweep(preset.values, preset.steps)


def sweep_form_ui() -> tuple[dict, int] | None:
    """The grid form, filled from the URL's preset. Returns (field -> values, steps) when Start was pressed."""
    preset = url_preset()
    defaults = preset.values
    running = session_sweep().run is not None
    with st.expander(f"Ready-made: {preset.title}", expanded=not running, icon=":material/tune:"), \
            st.form("sweep_form", border=False):
        cols = st.columns([2, 1, 1])
        archs = cols[0].multiselect("Architectures", ARCH_NAMES, default=defaults.get("arch", DEFAULT_ARCH).split(","),
                                    key="sweep_arch")
        task = field_widget(FIELDS["task"], cols[1], key="sweep_task", options=list(TASKS),
                            index=list(TASKS).index(defaults.get("task", "adding")))
        steps = cols[2].number_input("Steps per trial", 1, MAX_SWEEP_STEPS, preset.steps, step=100, key="sweep_steps")
        values = {"arch": ",".join(archs), "task": task}
        for k, name in enumerate(GRID_FIELDS):
            if k % FIELDS_PER_ROW == 0:
                cols = st.columns(FIELDS_PER_ROW)
            spec = FIELDS[name]
            choices = f" ({', '.join(spec.choices)})" if spec.choices else ""
            values[name] = cols[k % FIELDS_PER_ROW].text_input(
                spec.label or name, defaults.get(name, ""), key=f"sweep_{name}", max_chars=MAX_FIELD_CHARS,
                help=f"{spec.help}{choices}: one value or several, comma-separated; empty = the default") or None
        started = st.form_submit_button("Start the sweep", icon=":material/play_arrow:", type="primary")
    return (values, int(steps)) if started else None


def start_session_sweep(values: dict, steps: int) -> None:
    """Check the grid and start it on Ray (the page returns at once); a bad grid or a busy server is one line."""
    holder = session_sweep()
    if holder.running():
        st.warning("This session's sweep is still running: cancel it or wait for it to end before starting "
                   "another (one sweep per session).", icon=":material/hourglass_top:")
        return
    place = None
    try:
        spec: SweepSpec = spec_from_strings(values, steps)
        place = sweep_place()
        holder.replace(start_sweep(spec), place)
    except SweepsBusyError as err:
        st.warning(f"The server is busy: {err}.", icon=":material/hourglass_top:")
    except PlaygroundError as err:
        st.error(f"Cannot start this sweep: {err}", icon=":material/error:")
    finally:
        if place is not None and holder.place is not place:
            place.release()                     # refused or cut short: the place is not kept


def chart_axes(run: SweepRun) -> list[str]:
    """The fields the chart may put on its x axis: every varied one but the seed (the URL's preset's first)."""
    varied = [name for name in run.spec.varied() if name != "seed"] or ["seq_len"]
    preferred = url_preset().x
    return sorted(varied, key=lambda name: name != preferred)


def progress_ui(run: SweepRun) -> None:
    """Progress bar and counts (done / running / queued, ETA), the note, and Cancel."""
    progress = run.progress()
    share = progress.done / progress.total if progress.total else 1.0
    eta = progress.eta_seconds
    eta_text = f" · about {eta / 60:.0f} min {eta % 60:.0f} s left" if eta else ""
    cancelled = f" · {progress.cancelled} cancelled" if progress.cancelled else ""
    st.progress(share, text=f"{progress.done} of {progress.total} trials done · {progress.running} running · "
                            f"{progress.queued} queued{cancelled}{eta_text} · {progress.elapsed:.0f} s so far")
    if progress.note:
        st.info(progress.note, icon=":material/info:")
    if progress.failed:
        st.warning(f"{progress.failed} trial(s) failed; their rows say why.", icon=":material/warning:")
    if not progress.finished:
        # asks for "cancelled" (idempotent) of the sweep this page drew, wherever the press lands
        state_button(st, "Cancel", "sweep_cancel", run.cancel, icon=":material/stop:")


def results_ui(run: SweepRun) -> None:
    """The memory chart, the table of trials (missing values blank), a one-click link to /train for each
    trial, and the table's CSV download."""
    frame = results_frame(run.progress().results)
    if frame.empty:
        st.caption("Results appear here as trials finish.")
        return
    axes = chart_axes(run)
    x = st.selectbox("Chart against", axes, key="sweep_x", format_func=lambda name: FIELDS[name].label or name,
                     help="the other varied settings (but the seed) make the chart's lines")
    x = x if x in axes else axes[0]
    first = frame.iloc[0]
    curve = memory_curve(frame, x, series_fields(run.spec.varied(), x))
    st.plotly_chart(make_memory_figure(curve, x, str(first["metric_name"]), first["baseline"]),
                    width="stretch", key="sweep_chart")
    columns = ["trial", *dict.fromkeys(["arch", "task", *run.spec.varied()]), "metric", "baseline", "solved",
               "steps_to_threshold", "seconds_to_threshold", "seconds", "diverged", "error"]
    table, as_text = shown_table(frame, columns)
    config = {"metric": st.column_config.NumberColumn("final metric", format="%.4g"),
              "baseline": st.column_config.NumberColumn(format="%.4g"),
              "seconds_to_threshold": st.column_config.NumberColumn("s to solve", format="%.1f"),
              "steps_to_threshold": st.column_config.NumberColumn("steps to solve"),
              "seconds": st.column_config.NumberColumn(format="%.1f")}
    config = {name: st.column_config.TextColumn(column.get("label")) if name in as_text else column
              for name, column in config.items()}
    st.dataframe(table, hide_index=True, width="stretch", key="sweep_table", column_config=config)
    with st.container(horizontal=True, key="sweep_links"):          # a link is one click; a table cell takes two
        st.markdown("Open a trial in Train:")
        for trial, url in zip(frame["trial"], frame["url"]):
            st.page_link(page_file("train"), label=f"trial {trial}", icon=":material/open_in_new:",
                         query_params=url_query(url), help="Opens /train with this trial's settings")
    st.download_button("Download the table (CSV)", frame.to_csv(index=False), file_name="sweep.csv",
                       mime="text/csv", icon=":material/download:", key="sweep_csv")
