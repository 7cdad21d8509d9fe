"""The train page's live panels: metrics, loss, states, gates, gradients, predictions.

Each ``*_ui`` draws one family of charts from a run (a ``RunHandle``, or an in-process
``LiveRun``) or its snapshot, with a one-line text alternative. They are called inside the
page's timed fragments, once per redraw, into components that stay mounted and are updated in
place, so live redraws neither blank nor lose the reader's zoom: the tiles through ``live_tiles``
(text), the loss curve through ``live_points_chart`` (new points), the insides through
``live_data_chart`` (arrays built once per snapshot, no plotly figure).
"""
from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from models.architectures import architecture
from models.networks import network_shape
from playground.figures.attention import attention_heatmap_parts, attention_summary
from playground.figures.eigenvalues import eigenvalue_parts, eigenvalue_summary
from playground.figures.gates import gate_grid_parts, gate_grid_summary, saturation_parts, saturation_summary
from playground.figures.gradients import cuts_summary, grad_heatmap_parts, grad_norm_parts, grad_summary
from playground.figures.predictions import series_parts
from playground.figures.states import trajectory_parts, trajectory_summary, unit_heatmap_parts
from playground.figures.tiles import run_tiles, tiles_payload
from playground.figures.loss_series import LossPoints, loss_points, summary_of
from playground.figures.training import loss_chart_spec
from playground.engine.live import Record
from playground.engine.probe import Snapshot
from playground.engine.run_summary import RunSummary, summarize, with_latest_validation
from playground.ui.live_session import run_status
from playground.ui.live_tiles import live_tiles
from playground.ui.live_data_chart import live_data_chart, view_payload
from playground.ui.live_points_chart import live_points_chart

NUMBERS = "_live_numbers"     # session state: loss-panel key -> (run, version, metric) and its points and summary


def _click(on_unit_click, chart_key: str, snap: Snapshot):
    """The heatmap's click callback (unit and timestep of the last layer), or None."""
    return on_unit_click(chart_key, snap.hidden.shape[0] - 1) if on_unit_click else None


def live_view_ui(key: str, owner, version, parts, alt: str, on_click=None) -> None:
    """A live chart of one view with its text alternative below: ``parts()`` (a figure's trace and layout
    dicts) is built once per ``owner`` (the snapshot it reads) and ``version``, then shared by every session
    that draws it; a redraw sends its arrays (``live_data_chart``)."""
    live_data_chart(key, view_payload(key, owner, version, parts), alt=alt, on_click=on_click)
    st.caption(alt)


def run_numbers(run) -> tuple[pd.DataFrame, RunSummary]:
    """The run's history (with its latest validation value) and the ``RunSummary`` read from it.

    Tiles, captions and the loss chart of a run all draw from this pair, never from the run.
    """
    task = run.task
    frame = with_latest_validation(run.history_frame(), run.step_count, run.last_val)
    return frame, summarize(frame, task.metric_name, task.baseline(), task.higher_is_better)


def run_points(run, key: str) -> tuple[LossPoints, RunSummary]:
    """The run's loss chart points and the ``RunSummary`` read from them, built once per published
    version of the run (a redraw with nothing new reuses them): the live pages' tiles, caption and
    loss chart draw from this pair. No pandas, no plotly: it runs several times a second."""
    task, step, last_val = run.task, run.step_count, run.last_val
    cache = st.session_state.setdefault(NUMBERS, {})
    mark = (id(run), step, last_val, task.metric_name)     # the points change only with these
    if key in cache and cache[key][0] == mark:
        return cache[key][1]
    points = loss_points(run.history_arrays(), task.metric_name, step, last_val)
    cache[key] = (mark, (points, summary_of(points, task.metric_name, task.baseline(), task.higher_is_better)))
    return cache[key][1]


def metrics_ui(run, summary: RunSummary, key: str = "train") -> None:
    """The run's status line, step counter, steps/s, last training loss and validation value against the
    baseline, in one mounted component that changes their text in place (``live_tiles``)."""
    tiles = run_tiles(summary, step_count=run.step_count, steps_per_second=run.steps_per_second,
                      running=run.running, baseline_help=run.task.baseline_name())
    live_tiles(f"{key}_tiles", tiles_payload(tiles, summary.perplexity_line() or "", run_status(run)))


def loss_ui(run, points: LossPoints, summary: RunSummary, key: str) -> None:
    """The loss curve with validation metric and baseline; its caption is ``summary``'s. Its redraws
    send new points only (``live_points_chart``); the figure's layout is built once per chart."""
    task = run.task
    log_y = st.session_state.get(f"{key}_logy", False)
    title = "Loss and validation metric"
    spec_key = (task.metric_name, summary.baseline, task.baseline_name(), log_y, title)
    live_points_chart(f"{key}_loss", lambda: loss_chart_spec(*spec_key[:4], title=title), spec_key, points,
                      alt=summary.caption())
    st.caption(summary.caption())


NO_RADIUS = "spectral radius: this cell has no recurrent matrix (its recurrence depends on the input)."


def radius_summary(arch: str, radius: float) -> str:
    """The spectral radius of the row's recurrence, or why there is none."""
    row = architecture(arch)
    if not row.has_spectral_radius:
        return "S" + NO_RADIUS[1:]
    what = "W_hh" if row.has_recurrent_matrix else "the diagonal recurrence (max |λ|)"
    return f"Spectral radius of {what}: {radius:.3f}."


def gates_heading(arch: str, network: str | None = None) -> str:
    """The heading over the gates panel: gates, the vanilla cell's pre-activations, or a linear cell's state;
    "No gates" for a network without a recurrent cell (``network``'s row says so)."""
    if not network_shape(network).takes_cell:
        return "No gates"
    row = architecture(arch)
    if row.gated:
        return "Gates"
    return "Pre-activations and saturation" if row.takes_activation else "State of the linear recurrence"


def eigenvalue_ui(snap: Snapshot, key: str) -> bool:
    """The last layer's eigenvalues in the complex plane, for a cell with a diagonal recurrence (the LRU);
    False (nothing drawn) for the others, whose W_hh the spectral radius above sums up."""
    row = architecture(snap.arch)
    values = snap.eigenvalues[-1] if snap.eigenvalues else None
    if values is None or not row.diagonal_recurrence:
        return False
    live_view_ui(f"{key}_eigen", snap, snap.step,
              lambda: eigenvalue_parts(values, title=f"Eigenvalues λ at step {snap.step:,}", colour=row.colour),
              eigenvalue_summary(values))
    return True


def row_names(snap: Snapshot) -> list[str] | None:
    """The gradient lines' names from the snapshot's layer axis (a bidirectional run's "layer 1 →", …);
    None: the figure's own ("layer k", or none for one row)."""
    labels = snap.layer_labels
    return [f"‖dL/dh_t‖ {label}" for label in labels] if len(labels) > 1 and snap.top_rows > 1 else None


def gradient_now_ui(snap: Snapshot, key: str) -> None:
    """||dL/dh_t|| and ||dh_T/dh_t|| against t for the weights of ``snap`` (one line per row of its layer
    axis: each layer, and each direction of a bidirectional network). A network without a recurrent cell
    draws its row's own gradient (a self-attention layer's ‖dL/dz_t‖) and no ||dh_T/dh_t||: no state carries."""
    shape = network_shape(snap.network)
    radius = (radius_summary(snap.arch, snap.spectral_radius[-1]) if shape.takes_cell
              else "No spectral radius: it has no recurrence.")
    names = row_names(snap) or (None if shape.takes_cell else [f"‖dL/d{shape.gradient_symbol}‖"])
    live_view_ui(f"{key}_gradnow", snap, snap.step,
              lambda: grad_norm_parts(snap.grad_norm, snap.jacobian_norm if shape.takes_cell else None,
                                      cuts=snap.cuts, names=names,
                                      title=f"‖dL/d{shape.gradient_symbol}‖ at step {snap.step:,}"),
              grad_summary(snap.grad_norm, shape.gradient_symbol) + " " + radius + cuts_summary(snap.cuts))


def gradient_history_ui(records: list[Record], key: str, arch: str | None = None, network: str | None = None) -> None:
    """Training step × timestep picture of ||dL/dh_t|| with ρ(W_hh) beside it (max |λ| for a diagonal
    recurrence, nothing for a cell without either; ``arch`` None: a cell with W_hh; ``network``: the
    run's network shape, whose row may have no recurrent cell at all)."""
    shape = network_shape(network)
    row = architecture(arch) if arch else None
    radius_title = ("no ρ" if not shape.takes_cell else "ρ(W_hh)" if row is None or row.has_recurrent_matrix
                    else "max |λ|" if row.has_spectral_radius else "no ρ")
    first, last = records[0], records[-1]
    radius = (f"spectral radius {first.spectral_radius:.3f} → {last.spectral_radius:.3f}."
              if math.isfinite(last.spectral_radius) else NO_RADIUS if shape.takes_cell
              else "no spectral radius: it has no recurrence.")
    live_view_ui(f"{key}_gradheat", last, (len(records), first.step, radius_title),    # records only grow
              lambda: grad_heatmap_parts([r.step for r in records], [r.grad_norm for r in records],
                                         [r.spectral_radius for r in records],
                                         title=f"‖dL/d{shape.gradient_symbol}‖ over the whole run",
                                         radius_title=radius_title),
              f"{len(records)} probes from step {first.step} to {last.step}; {radius}")


def state_name(snap: Snapshot) -> str:
    """What the head reads, as the states heatmap's title names it: h_t, both directions' [→h_t ; ←h_t],
    or the row's own (a self-attention layer's output u_t)."""
    if snap.top_rows > 1:
        return "States [→h_t ; ←h_t]"
    return network_shape(snap.network).state_title


def attention_ui(snap: Snapshot, key: str) -> bool:
    """The attention weights of probe sequence 0 (output step × input step), labelled with the symbols
    read; False (nothing drawn) for a network without attention."""
    if snap.attention is None:
        return False
    weights = snap.attention[0]                                          # (T_out, S)
    read = (snap.example or {}).get("input") or []
    labels = read[:weights.shape[1]] if len(read) >= weights.shape[1] else None
    live_view_ui(f"{key}_attention", snap, snap.step,
              lambda: attention_heatmap_parts(weights, input_labels=labels,
                                              title=f"{network_shape(snap.network).attention_title} at step {snap.step:,}"),
              attention_summary(weights))
    return True


def states_ui(snap: Snapshot, key: str, on_unit_click=None) -> None:
    """Hidden-state trajectories (PCA) and the units × time heatmap of one sequence.

    ``on_unit_click(chart_key, layer)``, if given, makes the heatmap's cells clickable; it
    returns the click callback (e.g. ``unit_panels.heatmap_click``).
    """
    shape = network_shape(snap.network)
    traj_title = f"{'Hidden-state trajectories' if shape.takes_cell else 'Trajectories'} (PCA of {shape.state_symbol})"
    left, right = st.columns([1, 1])
    with left:
        c1, c2 = st.columns(2)
        dims = c1.radio("Projection", [2, 3], format_func=lambda d: f"{d}-D", horizontal=True, key=f"{key}_dims")
        colour = c2.radio("Colour by", ["time", "label"], horizontal=True, key=f"{key}_colour")
        live_view_ui(f"{key}_traj", snap, (snap.step, dims, colour),
                  lambda: trajectory_parts(snap.pca, snap.pca_explained, dims=dims, labels=snap.labels,
                                           colour_by=colour, title=traj_title),
                  trajectory_summary(snap.pca, snap.pca_explained))
    with right:
        values = snap.top(snap.hidden)[:, 0]               # (T, H), both directions side by side: (T, 2H)
        both = (f" Units 0–{values.shape[1] // 2 - 1} are the forward direction's, the rest the backward's."
                if snap.top_rows > 1 else "")
        live_view_ui(f"{key}_hheat", snap, snap.step,
                  lambda: unit_heatmap_parts(values, "h", title=f"{state_name(snap)} of probe sequence 0",
                                             height=380),
                  f"Hidden units × {values.shape[0]} timesteps; values range {values.min():.2f} to "
                  f"{values.max():.2f}.{both}" + (" Click a cell to open that unit at that timestep in the cell view."
                                            if on_unit_click else ""),
                  on_click=_click(on_unit_click, f"{key}_hheat", snap))


def gates_ui(snap: Snapshot, key: str, on_unit_click=None) -> None:
    """Every gate's units × time heatmap in one grid figure, and the saturation scatter beside it.

    ``on_unit_click`` as in ``states_ui``: a clicked gate cell opens that unit and timestep.
    """
    shape = network_shape(snap.network)
    if not shape.takes_cell:
        st.info(f"Gates and saturation: {shape.no_cell}.", icon=":material/info:")
        return
    values = {name: snap.top(snap.gates[name])[:, 0] for name in snap.gates}    # name -> (T, H) (T, 2H both ways)
    row = architecture(snap.arch)
    gated = row.gated
    title = ("Gates of probe sequence 0" if gated else "Pre-activations of probe sequence 0"
             if row.takes_activation else "State of probe sequence 0")
    left, right = st.columns([3, 2]) if len(values) > 1 else st.columns(2)
    with left:
        live_view_ui(f"{key}_gates", snap, snap.step,
                  lambda: gate_grid_parts(values, title=title, columns=2 if len(values) > 3 else len(values)),
                  gate_grid_summary(values), on_click=_click(on_unit_click, f"{key}_gates", snap))
    with right:
        if not snap.saturation:
            st.info("Saturation: this cell's recurrence is linear, it has no gate or tanh unit to saturate.")
            return
        sat_title = "Gate saturation" if gated else "Saturation of tanh units"
        live_view_ui(f"{key}_sat", snap, snap.step, lambda: saturation_parts(snap.saturation, title=sat_title),
                  saturation_summary(snap.saturation))


def predictions_ui(run, snap: Snapshot, key: str) -> None:
    """What the model outputs on probe example 0 (from ``snap``), against the target."""
    example = snap.example or {}
    kind = example.get("kind")
    if kind == "series":
        live_view_ui(f"{key}_pred", snap, snap.step,
                  lambda: series_parts(example, title="Probe sequence 0: target and prediction"),
                  "Target (black) and the model's prediction (vermillion) on probe sequence 0.")
    elif kind == "text":
        text_ui(run, key, example, snap.step)
    elif kind in ("sequence", "label"):
        rows = {k: v for k, v in example.items() if k != "kind"}
        frame = pd.DataFrame({k: [", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)]
                              for k, v in rows.items()}).T.rename(columns={0: "probe example 0"})
        st.dataframe(frame, width="stretch")
    else:
        st.info("This task has no example view.")


def text_ui(run, key: str, example: dict, step: int) -> None:
    """Char LM: the probe text with the model's next-character guesses, and a temperature sample.

    ``step`` is the probe's: a live run's pages hold the weights published with its latest probe,
    so the sample is labelled (and seeded) with the step of the weights it comes from, not the counter.
    """
    from playground.engine.sampling import sample_text

    left, right = st.columns(2)
    with left:
        st.markdown("**Probe text** (input) and the model's most likely next character at each step")
        st.code(example.get("input", ""), language=None, wrap_lines=True)
        st.code(example.get("prediction", ""), language=None, wrap_lines=True)
    with right:
        temperature = st.slider("Sampling temperature", 0.1, 2.0, 0.8, 0.05, key=f"{key}_temperature",
                                help="Low: cautious, repetitive. High: adventurous, noisy.")
        import torch

        with run.lock:
            text = sample_text(run.net, run.task, prime="The ", length=120,
                               temperature=temperature, generator=torch.Generator().manual_seed(step))
        st.markdown(f"**Sample at step {step}** (temperature {temperature:g})")
        st.code(text, language=None, wrap_lines=True)
