"""Streamlit glue of the sweep page: the grid form, the session's sweep, its progress and results.

The session holds at most one ``SweepRun`` (``playground.sweeps.runner``): Ray trains the
trials, a thread of the SweepRun collects them, and the page only polls ``progress()``. A
session that ends cancels its sweep (the release hook of ``session_sweep``).
"""
from __future__ import annotations

import streamlit as st

from models.architectures import ARCH_NAMES, DEFAULT_ARCH
from playground.config import FIELDS
from playground.errors import PlaygroundError
from playground.figures.sweep import make_memory_figure
from playground.sweeps.grid import PRESETS, SweepSpec, spec_from_strings
from playground.sweeps.results import memory_curve, results_frame, series_fields
from playground.sweeps.runner import SweepRun, start_sweep
from playground.tasks import TASKS
from playground.page_state import PRESET_PARAM
from playground.ui.url_state import take_autostart

DEFAULT_PRESET = "memory"
CHOSEN_APART = ("arch", "task")     # the form's own widgets; every other run setting is a text box
GRID_FIELDS = tuple(name for name in FIELDS if name not in CHOSEN_APART)
FIELDS_PER_ROW = 5


class SessionSweep:
    """The session's sweep, cancelled when the session ends."""

    def __init__(self):
        self.run: SweepRun | None = None

    def replace(self, run: SweepRun) -> None:
        """Install a new sweep; the one before it is cancelled."""
        self.cancel()
        self.run = run

    def cancel(self) -> None:
        """Cancel the sweep, if one runs."""
        if self.run is not None:
            self.run.cancel()


@st.cache_resource(scope="session", on_release=SessionSweep.cancel, show_spinner=False)
def session_sweep() -> SessionSweep:
    """This session's sweep holder (released, and its sweep cancelled, when the session ends)."""
    return SessionSweep()


def url_preset():
    """The preset named by ``?preset=`` (the home gallery's link), else the memory sweep."""
    return PRESETS.get(st.query_params.get(PRESET_PARAM, DEFAULT_PRESET), PRESETS[DEFAULT_PRESET])


def autostart() -> None:
    """``?autostart=1`` (the gallery's one click): start the URL's preset once, unless a sweep runs."""
    if not take_autostart():
        return
    current = session_sweep().run
    if current is None or current.progress().finished:
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
        task = cols[1].selectbox("Task", list(TASKS), index=list(TASKS).index(defaults.get("task", "adding")),
                                 key="sweep_task")
        steps = cols[2].number_input("Steps per trial", 1, 100_000, preset.steps, step=100, key="sweep_steps")
        values = {"arch": ",".join(archs), "task": task}
        for k, name in enumerate(GRID_FIELDS):
            if k % FIELDS_PER_ROW == 0:
                cols = st.columns(FIELDS_PER_ROW)
            spec = FIELDS[name]
            choices = f" ({', '.join(spec.choices)})" if spec.choices else ""
            values[name] = cols[k % FIELDS_PER_ROW].text_input(
                spec.label or name, defaults.get(name, ""), key=f"sweep_{name}",
                help=f"{spec.help}{choices}: one value or several, comma-separated; empty = the default") or None
        started = st.form_submit_button("Start the sweep", icon=":material/play_arrow:", type="primary")
    return (values, int(steps)) if started else None


def start_session_sweep(values: dict, steps: int) -> None:
    """Check the grid and start it on Ray (the page returns at once); a bad grid is one line."""
    try:
        spec: SweepSpec = spec_from_strings(values, steps)
        session_sweep().replace(start_sweep(spec))
    except PlaygroundError as err:
        st.error(f"Cannot start this sweep: {err}", icon=":material/error:")


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
        st.button("Cancel", icon=":material/stop:", key="sweep_cancel", on_click=run.cancel)


def results_ui(run: SweepRun) -> None:
    """The memory chart, the table of trials (each one click from /train) and its CSV download."""
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
    st.dataframe(frame, hide_index=True, width="stretch", key="sweep_table",
                 column_order=["url", "trial", *dict.fromkeys(["arch", "task", *run.spec.varied()]), "metric",
                               "baseline", "solved", "steps_to_threshold", "seconds_to_threshold", "seconds",
                               "diverged", "error"],
                 column_config={"url": st.column_config.LinkColumn("run", display_text="Open in Train",
                                                                   help="Opens /train with this trial's settings"),
                                "metric": st.column_config.NumberColumn("final metric", format="%.4g"),
                                "baseline": st.column_config.NumberColumn(format="%.4g"),
                                "seconds_to_threshold": st.column_config.NumberColumn("s to solve", format="%.1f"),
                                "steps_to_threshold": st.column_config.NumberColumn("steps to solve"),
                                "seconds": st.column_config.NumberColumn(format="%.1f")})
    st.download_button("Download the table (CSV)", frame.to_csv(index=False), file_name="sweep.csv",
                       mime="text/csv", icon=":material/download:", key="sweep_csv")
