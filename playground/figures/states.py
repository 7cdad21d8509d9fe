"""Figures of hidden states: trajectories in a PCA projection, and units × time heatmaps."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import DIVERGING, GATE_TITLES, SEQUENCE, SEQUENTIAL, base_layout

MAX_TRAJECTORIES = 8


def make_trajectory_figure(pca: np.ndarray, explained: np.ndarray | None = None, dims: int = 2,
                           labels: np.ndarray | None = None, colour_by: str = "time",
                           title: str | None = None) -> go.Figure:
    """Hidden-state trajectories h_1..h_T of up to 8 probe sequences in PCA coordinates.

    pca: (T, B, 3). colour_by "time" colours markers by t (viridis); "label" gives each
    sequence the colour of its label (or its own colour when there are no labels).
    """
    T, B, _ = pca.shape
    fig = go.Figure()
    n = min(B, MAX_TRAJECTORIES)
    t = np.arange(1, T + 1)
    for b in range(n):
        xyz = pca[:, b]
        if colour_by == "label" and labels is not None:
            colour = SEQUENCE[int(labels[b]) % len(SEQUENCE)] if np.issubdtype(np.asarray(labels).dtype, np.integer) \
                else SEQUENCE[b % len(SEQUENCE)]
            name = f"seq {b} (label {labels[b]:.3g})" if not np.issubdtype(np.asarray(labels).dtype, np.integer) \
                else f"seq {b} (label {labels[b]})"
        else:
            colour, name = SEQUENCE[b % len(SEQUENCE)], f"seq {b}"
        marker = dict(size=4 if dims == 3 else 6, color=t if colour_by == "time" else colour,
                      colorscale=SEQUENTIAL, showscale=(b == 0 and colour_by == "time"),
                      colorbar=dict(title="t", thickness=12) if b == 0 and colour_by == "time" else None)
        line = dict(color=colour, width=2 if dims == 2 else 3)
        hover = [f"seq {b}, t={k}" for k in t]
        if dims == 3:
            fig.add_scatter3d(x=xyz[:, 0], y=xyz[:, 1], z=xyz[:, 2], mode="lines+markers", name=name,
                              line=line, marker=marker, text=hover, hoverinfo="text")
        else:
            fig.add_scatter(x=xyz[:, 0], y=xyz[:, 1], mode="lines+markers", name=name, line=line,
                            marker=marker, text=hover, hoverinfo="text+x+y")
    pc = [f"PC{k + 1}" + (f" ({explained[k]:.0%})" if explained is not None else "") for k in range(3)]
    base_layout(fig, title, height=380)
    fig.update_layout(showlegend=colour_by == "label")
    if dims == 3:
        fig.update_layout(scene=dict(xaxis_title=pc[0], yaxis_title=pc[1], zaxis_title=pc[2]),
                          margin=dict(l=0, r=0, t=40 if title else 10, b=0))
    else:
        fig.update_xaxes(title_text=pc[0])
        fig.update_yaxes(title_text=pc[1])
    return fig


def make_unit_heatmap(values: np.ndarray, name: str = "h", title: str | None = None,
                      zrange: tuple[float, float] | None = None, height: int = 260) -> go.Figure:
    """Units × timesteps heatmap of one sequence's states or gate activations: values (T, H)."""
    if zrange is None:
        if name in ("i", "f", "o", "r", "z"):
            zrange = (0.0, 1.0)
        else:
            m = float(np.abs(values).max()) or 1.0
            zrange = (-m, m) if name in ("h", "g", "n", "c", "pre", "tanh") else (float(values.min()), m)
    gated = name in ("i", "f", "o", "r", "z")
    fig = go.Figure(go.Heatmap(
        z=values.T, x=np.arange(1, values.shape[0] + 1), y=np.arange(values.shape[1]),
        zmin=zrange[0], zmax=zrange[1], colorscale=SEQUENTIAL if gated else DIVERGING,
        colorbar=dict(thickness=12), hovertemplate="t=%{x}, unit %{y}: %{z:.3f}<extra></extra>"))
    base_layout(fig, title or GATE_TITLES.get(name, name), height=height)
    fig.update_xaxes(title_text="timestep t")
    fig.update_yaxes(title_text="unit")
    return fig


def trajectory_summary(pca: np.ndarray, explained: np.ndarray) -> str:
    """Text alternative for the trajectory chart."""
    T, B, _ = pca.shape
    spread = float(np.linalg.norm(pca[-1, :, :2].std(axis=0)))
    return (f"{min(B, MAX_TRAJECTORIES)} hidden-state trajectories over {T} steps in the top principal "
            f"components ({explained[:2].sum():.0%} of the variance in PC1–PC2); final states spread {spread:.3g}.")
