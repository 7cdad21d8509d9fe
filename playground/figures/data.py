"""Figures of a user's data before training: the series with its split, the label counts."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import OKABE_ITO, SEQUENCE, base_layout

MAX_POINTS = 5000   # points drawn per column (every k-th beyond it)


def make_upload_series_figure(values: np.ndarray, names: list[str], split_at: int,
                              title: str | None = None) -> go.Figure:
    """The chosen columns against row number, the validation part shaded (values (N, C))."""
    n = len(values)
    k = max(1, -(-n // MAX_POINTS))
    rows = np.arange(n)[::k]
    fig = go.Figure()
    for c, name in enumerate(names):
        fig.add_scatter(x=rows, y=values[::k, c], mode="lines", name=name,
                        line=dict(color=SEQUENCE[c % len(SEQUENCE)], width=1.5))
    fig.add_vrect(x0=split_at - 0.5, x1=n - 0.5, fillcolor=OKABE_ITO["orange"], opacity=0.12, line_width=0,
                  annotation_text="validation", annotation_position="top left")
    fig.add_vline(x=split_at - 0.5, line=dict(color=OKABE_ITO["black"], dash="dash", width=1))
    base_layout(fig, title, height=320)
    fig.update_xaxes(title_text="row")
    fig.update_yaxes(title_text="value")
    return fig


def series_summary(values: np.ndarray, names: list[str], split_at: int) -> str:
    """Text alternative of the series preview."""
    parts = [f"{name} from {values[:, c].min():.4g} to {values[:, c].max():.4g}" for c, name in enumerate(names)]
    return (f"{len(values):,} rows: rows 0–{split_at - 1:,} train, rows {split_at:,}–{len(values) - 1:,} "
            f"validate. " + "; ".join(parts) + ".")


def make_label_counts_figure(labels: list[str], counts: list[int], title: str | None = None) -> go.Figure:
    """Horizontal bars: how many texts carry each label."""
    fig = go.Figure(go.Bar(x=counts, y=labels, orientation="h", marker_color=OKABE_ITO["blue"],
                           hovertemplate="%{y}: %{x} texts<extra></extra>"))
    base_layout(fig, title, height=max(180, 40 + 28 * len(labels)))
    fig.update_xaxes(title_text="texts")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig
