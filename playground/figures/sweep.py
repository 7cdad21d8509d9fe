"""The "how far back can it remember" chart of a sweep: solved fraction and metric against T, per architecture."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.figures.style import ARCH_COLOURS, ARCH_LABELS, BASELINE_COLOUR, base_layout

X_TITLES = {"seq_len": "sequence length T", "lag": "lag (steps)", "hidden": "hidden units", "lr": "learning rate"}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[k:k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def make_memory_figure(curve: pd.DataFrame, x: str = "seq_len", metric_name: str = "metric",
                       baseline: float | None = None, height: int = 480) -> go.Figure:
    """Two stacked panels sharing the x axis (``curve`` from ``sweep_results.memory_curve``).

    Top: per architecture, the fraction of seeds that solved the task. Bottom: the median
    final metric with a band from the lowest to the highest seed, and the task's baseline.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=("fraction of seeds that solve the task", f"final validation {metric_name}"))
    for arch in [a for a in ARCH_LABELS if a in set(curve["arch"])]:
        rows = curve[curve["arch"] == arch].sort_values("x")
        colour, name = ARCH_COLOURS[arch], ARCH_LABELS[arch]
        fig.add_trace(go.Scatter(x=rows["x"], y=rows["solved_fraction"], mode="lines+markers", name=name,
                                 legendgroup=arch, line=dict(color=colour, width=3),
                                 hovertemplate=f"{name}<br>%{{x}}: %{{y:.0%}} solved<extra></extra>"), row=1, col=1)
        fig.add_trace(go.Scatter(x=list(rows["x"]) + list(rows["x"])[::-1],
                                 y=list(rows["high"]) + list(rows["low"])[::-1], fill="toself", mode="lines",
                                 fillcolor=_rgba(colour, 0.18), line=dict(width=0), legendgroup=arch,
                                 showlegend=False, hoverinfo="skip"), row=2, col=1)
        fig.add_trace(go.Scatter(x=rows["x"], y=rows["median"], mode="lines+markers", name=name, legendgroup=arch,
                                 showlegend=False, line=dict(color=colour, width=3),
                                 hovertemplate=f"{name}<br>%{{x}}: median %{{y:.4g}}<extra></extra>"), row=2, col=1)
    if baseline is not None:
        fig.add_hline(y=baseline, line=dict(color=BASELINE_COLOUR, dash="dash", width=1), row=2, col=1,
                      annotation_text="baseline", annotation_position="top left")
    base_layout(fig, height=height)
    fig.update_yaxes(range=[-0.05, 1.05], tickformat=".0%", row=1, col=1)
    fig.update_xaxes(title_text=X_TITLES.get(x, x), row=2, col=1)
    values = sorted(set(curve["x"])) if len(curve) else []
    if values and min(values) > 0 and max(values) / min(values) >= 10:
        fig.update_xaxes(type="log")           # T from 10 to 200: even steps on a log axis
    if values:
        fig.update_xaxes(tickvals=values, ticktext=[f"{v:g}" for v in values])    # only the values tried
    return fig
