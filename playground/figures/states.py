"""Figures of hidden states: trajectories in a PCA projection, and units × time heatmaps."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import DIVERGING, GATE_TITLES, SEQUENCE, SEQUENTIAL, fast_figure, layout_dict

MAX_TRAJECTORIES = 8


def trajectory_parts(pca: np.ndarray, explained: np.ndarray | None = None, dims: int = 2,
                     labels: np.ndarray | None = None, colour_by: str = "time",
                     title: str | None = None) -> tuple[list[dict], dict]:
    """Hidden-state trajectories h_1..h_T of up to 8 probe sequences in PCA coordinates.

    pca: (T, B, 3). colour_by "time" colours markers by t (viridis); "label" gives each
    sequence the colour of its label (or its own colour when there are no labels).
    """
    T, B, _ = pca.shape
    n = min(B, MAX_TRAJECTORIES)
    data = (_time_coloured_traces(pca[:, :n], dims) if colour_by == "time"
            else _sequence_traces(pca[:, :n], dims, labels))
    pc = [f"PC{k + 1}" + (f" ({explained[k]:.0%})" if explained is not None else "") for k in range(3)]
    layout = layout_dict(title, height=380, showlegend=colour_by != "time")
    if dims == 3:
        layout["scene"] = dict(xaxis=dict(title=dict(text=pc[0])), yaxis=dict(title=dict(text=pc[1])),
                               zaxis=dict(title=dict(text=pc[2])))
        layout["margin"] = dict(l=0, r=0, t=40 if title else 10, b=0)
    else:
        layout["xaxis"] = dict(title=dict(text=pc[0]))
        layout["yaxis"] = dict(title=dict(text=pc[1]))
    return data, layout


def make_trajectory_figure(pca: np.ndarray, explained: np.ndarray | None = None, dims: int = 2,
                           labels: np.ndarray | None = None, colour_by: str = "time",
                           title: str | None = None) -> go.Figure:
    """``trajectory_parts`` as a plotly figure."""
    return fast_figure(*trajectory_parts(pca, explained, dims, labels, colour_by, title))


def _time_coloured_traces(pca: np.ndarray, dims: int) -> list[dict]:
    """Two traces for all sequences (a grey line, markers coloured by t): the cheapest to redraw.

    Sequences are joined with NaN gaps, so one trace holds them all. pca: (T, n, 3).
    """
    T, n, _ = pca.shape
    gap = np.full((1, n, 3), np.nan)
    joined = np.concatenate([pca, gap]).transpose(1, 0, 2).reshape(-1, 3)     # (n·(T+1), 3)
    t = np.tile(np.r_[np.arange(1, T + 1), np.nan], n)
    sequence = np.repeat(np.arange(n), T + 1)
    kind = "scatter3d" if dims == 3 else "scatter"
    line = dict(type=kind, x=joined[:, 0], y=joined[:, 1], mode="lines", name="trajectories",
                line=dict(color="#9a9a9a", width=2 if dims == 3 else 1.5), hoverinfo="skip", showlegend=False)
    dots = dict(type=kind, x=joined[:, 0], y=joined[:, 1], mode="markers", name="h_t", showlegend=False,
                marker=dict(size=4 if dims == 3 else 6, color=t, colorscale=SEQUENTIAL, showscale=True,
                            colorbar=dict(title=dict(text="t"), thickness=12)),
                customdata=sequence, hovertemplate="seq %{customdata}, t=%{marker.color}<extra></extra>")
    if dims == 3:
        line["z"] = dots["z"] = joined[:, 2]
    return [line, dots]


def _sequence_traces(pca: np.ndarray, dims: int, labels: np.ndarray | None) -> list[dict]:
    """One trace per sequence, coloured by its label (or its own colour when there are no labels)."""
    T, n, _ = pca.shape
    t = np.arange(1, T + 1)
    integer_labels = labels is not None and np.issubdtype(np.asarray(labels).dtype, np.integer)
    data = []
    for b in range(n):
        xyz = pca[:, b]
        colour, name = SEQUENCE[b % len(SEQUENCE)], f"seq {b}"
        if labels is not None:
            if integer_labels:
                colour, name = SEQUENCE[int(labels[b]) % len(SEQUENCE)], f"seq {b} (label {labels[b]})"
            else:
                name = f"seq {b} (label {float(labels[b]):.3g})"
        trace = dict(type="scatter3d" if dims == 3 else "scatter", x=xyz[:, 0], y=xyz[:, 1],
                     mode="lines+markers", name=name, line=dict(color=colour, width=3 if dims == 3 else 2),
                     marker=dict(size=4 if dims == 3 else 6, color=colour), text=[f"seq {b}, t={k}" for k in t],
                     hoverinfo="text" if dims == 3 else "text+x+y")
        if dims == 3:
            trace["z"] = xyz[:, 2]
        data.append(trace)
    return data


def unit_heatmap_parts(values: np.ndarray, name: str = "h", title: str | None = None,
                       zrange: tuple[float, float] | None = None, height: int = 260) -> tuple[list[dict], dict]:
    """Units × timesteps heatmap of one sequence's states or gate activations: values (T, H)."""
    gated = name in ("i", "f", "o", "r", "z")
    if zrange is None:
        if gated:
            zrange = (0.0, 1.0)
        else:
            m = float(np.abs(values).max()) or 1.0
            zrange = (-m, m) if name in ("h", "g", "n", "c", "pre", "tanh") else (float(values.min()), m)
    trace = dict(type="heatmap", z=values.T, x=np.arange(1, values.shape[0] + 1), y=np.arange(values.shape[1]),
                 zmin=zrange[0], zmax=zrange[1], colorscale=SEQUENTIAL if gated else DIVERGING,
                 colorbar=dict(thickness=12), hovertemplate="t=%{x}, unit %{y}: %{z:.3f}<extra></extra>")
    layout = layout_dict(title or GATE_TITLES.get(name, name), height=height,
                         xaxis=dict(title=dict(text="timestep t")), yaxis=dict(title=dict(text="unit")))
    return [trace], layout


def make_unit_heatmap(values: np.ndarray, name: str = "h", title: str | None = None,
                      zrange: tuple[float, float] | None = None, height: int = 260) -> go.Figure:
    """``unit_heatmap_parts`` as a plotly figure."""
    return fast_figure(*unit_heatmap_parts(values, name, title, zrange, height))


def trajectory_summary(pca: np.ndarray, explained: np.ndarray) -> str:
    """Text alternative for the trajectory chart."""
    T, B, _ = pca.shape
    spread = float(np.linalg.norm(pca[-1, :, :2].std(axis=0)))
    return (f"{min(B, MAX_TRAJECTORIES)} hidden-state trajectories over {T} steps in the top principal "
            f"components ({explained[:2].sum():.0%} of the variance in PC1–PC2); final states spread {spread:.3g}.")
