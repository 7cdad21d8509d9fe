"""The Save & load page's panels: export the session's run, import weights as a new run.

Export reads the run's local copy of the network under its lock (a redraw may refresh it) and
hands the heavy payloads (figures, the long probe table) to download buttons as callables,
so they are built only when clicked. Import checks the whole file and submits a new run first, and swaps
it in only when everything checked out: a bad file leaves the session's run untouched.
"""
from __future__ import annotations

import streamlit as st

from playground.io import export
from playground.io.checkpoint_format import MAX_FILE_BYTES
from playground.config import CUSTOM_TASK, FIELDS, RunConfig
from playground.errors import DataError, PlaygroundError
from playground.markup import title_markdown
from playground.tasks import make_task
from playground.ui.live_session import new_run, replace_run
from playground.io.user_data import safe_name, with_seq_len
from playground.ui.keys import IMPORTED_NOTE, LIVE_RUN, UPLOADED_TASK, config_key
from playground.ui.page_files import page_file
from playground.ui.upload_guard import admitted

FIGURE_TITLES = {"loss": "Loss and validation metric", "gradient_norm": "Gradient norm across timesteps",
                 "gradient_history": "‖dL/dh_t‖ over the whole run", "trajectory": "Hidden-state trajectories",
                 "hidden": "Hidden-state heatmap", "saturation": "Gate saturation"}


def _locked(run, build):
    """A zero-argument callable that builds a payload under the run's lock (for deferred downloads)."""
    def payload():
        with run.lock:
            return build()
    return payload


def _figure_title(name: str) -> str:
    return FIGURE_TITLES.get(name, f"Gate {name[5:]} heatmap" if name.startswith("gate_") else name)


def export_ui(run) -> None:
    """Downloads of the run (history, probe, weights, figures), the reproducing link and a loading snippet."""
    with run.lock:
        config, task, step = run.config, run.task, run.step_count
        history = export.history_csv(run)
        figure_names = export.figure_names(run.snapshot) if run.snapshot is not None else []
    stem = f"rnn-playground_{config.arch}_{task.name}_step{step}"
    st.markdown(f"{title_markdown(task.title, config.task == CUSTOM_TASK)} · {config.arch.upper()} · "
                f"{config.hidden} hidden × {config.layers} layer{'s' if config.layers > 1 else ''} · "
                f"**{step:,} steps** trained")
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("History (CSV)", history, f"{stem}_history.csv", "text/csv", on_click="ignore",
                       icon=":material/table:", width="stretch", key="dl_history",
                       help="One row per training step: loss, gradient norm, learning rate, validation metric")
    c2.download_button("Weights + config (.pt)", _locked(run, lambda: export.weights_bytes(run)),
                       f"{stem}_weights.pt", "application/octet-stream", on_click="ignore", width="stretch",
                       icon=":material/neurology:", key="dl_weights",
                       help="Tensors only: load it here (below) or in plain PyTorch (snippet below)")
    c3.download_button("Probe (NPZ)", _locked(run, lambda: export.snapshot_npz(run.snapshot)),
                       f"{stem}_probe.npz", "application/octet-stream", on_click="ignore", width="stretch",
                       icon=":material/data_array:", key="dl_npz",
                       help="numpy arrays: inputs, hidden states, gates, ||dL/dh_t||, PCA (np.load)")
    c4.download_button("Probe (CSV)", _locked(run, lambda: export.snapshot_csv(run.snapshot)),
                       f"{stem}_probe.csv", "text/csv", on_click="ignore", width="stretch",
                       icon=":material/table_view:", key="dl_probe_csv",
                       help="Long table: layer, t, sequence, unit, h, then one column per gate")
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    name = left.selectbox("Figure", figure_names, format_func=_figure_title, key="model_figure")
    if name:
        right.download_button("Figure (HTML)", _locked(run, lambda: export.figure_html(
                              export.run_figures(run)[name], _figure_title(name))),
                              f"{stem}_{name}.html", "text/html", on_click="ignore", width="stretch",
                              icon=":material/bar_chart:", key="dl_figure",
                              help="Interactive, self-contained: opens offline in any browser")
    st.download_button("All figures in one HTML page", _locked(run, lambda: export.report_html(
                       export.run_figures(run), run.config, run.step_count)),
                       f"{stem}_figures.html", "text/html", on_click="ignore", icon=":material/description:",
                       key="dl_report")

    st.subheader("Reproduce this run")
    link = export.reproduce_link(config, st.context.url)
    st.code(link, language=None, wrap_lines=True)
    note = (" It trains on uploaded data, which the link cannot carry: whoever opens it must upload the "
            "same file on the Your data page first." if config.task == CUSTOM_TASK else "")
    st.caption("The link holds every setting, seed included: opening it and pressing Start replays "
               "this run's training from scratch." + note)

    st.subheader("Load the weights in plain PyTorch")
    st.code(export.load_snippet(config, task.input_size, task.output_size, task.vocab_size), language="python")


def _task_for(name: str, config: RunConfig):
    """The task an imported checkpoint needs: the session's upload for 'custom', else from the config."""
    if name == CUSTOM_TASK or config.task == CUSTOM_TASK:
        task = st.session_state.get(UPLOADED_TASK)
        if task is None:
            raise DataError("these weights were trained on uploaded data: upload the same file on the "
                            "Your data page first, then load them here")
        task = with_seq_len(task, config.seq_len)
        st.session_state[UPLOADED_TASK] = task
        return task
    return make_task(config)


def _set_widgets(config: RunConfig) -> None:
    for name in FIELDS:
        st.session_state[config_key(name)] = getattr(config, name)


def import_ui() -> None:
    """Upload a weights file and install it as the session's run (or explain why not)."""
    note = st.session_state.pop(IMPORTED_NOTE, None)
    if note:
        st.success(note, icon=":material/check_circle:")
    upload = st.file_uploader("Weights file exported from this app (.pt)", type=["pt"], key="model_upload",
                              max_upload_size=MAX_FILE_BYTES // 2**20,
                              help="Read as tensors only (torch.load with weights_only=True): a file "
                                   "cannot run code here.")
    upload = admitted(upload, MAX_FILE_BYTES)
    if st.button("Load these weights", icon=":material/upload:", key="model_load", disabled=upload is None):
        name = safe_name(upload.name, "the file")        # the name is untrusted: no markdown, no links
        try:
            new = export.import_run(upload.getvalue(), _task_for, new_run)
        except PlaygroundError as err:
            st.error(f"Could not load {name}: {err}. The current run is unchanged.", icon=":material/error:")
            return
        except Exception as err:  # noqa: BLE001 — an untrusted file must never surface a traceback
            st.error(f"Could not load {name}: unexpected {type(err).__name__}. The current run is "
                     "unchanged.", icon=":material/error:")
            return
        replace_run(LIVE_RUN, new)
        _set_widgets(new.config)
        resumed = (f", {new.step_count:,} steps trained: Start or Step continues the run where it was saved"
                   if new.step_count else "")
        st.session_state[IMPORTED_NOTE] = (f"Loaded: {new.task.title}, {new.config.arch.upper()} with "
                                      f"{new.config.hidden} hidden units{resumed}. Every page now shows this model.")
        st.rerun()
    run = st.session_state.get(LIVE_RUN)
    if run is not None:
        if st.button("Open it on the Train page", icon=":material/play_arrow:", key="model_to_train"):
            st.switch_page(page_file("train"), query_params=run.config.to_query())
