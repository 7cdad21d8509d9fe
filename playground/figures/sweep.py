"""The chart of a sweep: solve rate, steps to solve and final metric against one setting, one line per series.

A line is an architecture (the "how far back can it remember" sweep) or any other combination of the
settings a sweep varies (an activation and an initialisation, a gate bias, clipping on or off).
"""
from __future__ import annotations

import math
import numbers

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.figures.style import ARCH_COLOURS, BASELINE_COLOUR, SEQUENCE, base_layout

X_TITLES = {"seq_len": "sequence length T", "lag": "lag (steps)", "hidden": "hidden units", "lr": "learning rate",
            "radius": "spectral radius ρ of W_hh at init", "clip": "gradient clipping (max norm, 0 = off)",
            "gate_bias": "memory-gate bias at init", "init": "initialisation of W_hh", "activation": "activation"}


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[k:k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def line_colours(curve: pd.DataFrame) -> dict[str, str]:
    """Each line's colour: its architecture's when every line is one architecture, else the palette in turn."""
    names = list(dict.fromkeys(curve["series"]))
    archs = [curve.loc[curve["series"] == name, "arch"].iloc[0] for name in names]
    if all(a in ARCH_COLOURS for a in archs) and len(set(archs)) == len(archs):
        return {name: ARCH_COLOURS[a] for name, a in zip(names, archs)}
    return {name: SEQUENCE[k % len(SEQUENCE)] for k, name in enumerate(names)}


def band_polygon(rows: pd.DataFrame) -> tuple[list, list]:
    """The closed outline of one line's band, lowest to highest seed: along the top, back along the bottom.

    Points without a finite metric are left out, so the outline never jumps to another line's values.
    """
    finite = [math.isfinite(lo) and math.isfinite(hi) for lo, hi in zip(rows["low"].astype(float),
                                                                       rows["high"].astype(float))]
    rows = rows[finite] if len(rows) else rows
    xs, top, bottom = list(rows["x"]), list(rows["high"]), list(rows["low"])
    if not xs:
        return [], []
    return xs + xs[::-1] + xs[:1], top + bottom[::-1] + top[:1]


def make_memory_figure(curve: pd.DataFrame, x: str = "seq_len", metric_name: str = "metric",
                       baseline: float | None = None, height: int = 620) -> go.Figure:
    """Three stacked panels sharing the x axis (``curve`` from ``playground.sweeps.results.memory_curve``).

    Top: per line, the fraction of seeds that solved the task (and, dotted, that diverged). Middle: the median steps those seeds took
    to solve it. Bottom: the median final metric, a band from the lowest to the highest seed (a closed
    polygon per line, filled to itself), and the task's baseline.
    """
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07, row_heights=[0.3, 0.3, 0.4],
                        subplot_titles=("fraction of seeds that solve the task (dotted ×: that diverge)",
                                        "steps to solve (median of the seeds that solve it)",
                                        f"final validation {metric_name}"))
    colours = line_colours(curve) if len(curve) else {}
    for name, colour in colours.items():
        rows = curve[curve["series"] == name].sort_values("x")
        common = dict(legendgroup=name, line=dict(color=colour, width=3), mode="lines+markers")
        fig.add_trace(go.Scatter(x=rows["x"], y=rows["solved_fraction"], name=name, **common,
                                 hovertemplate=f"{name}<br>%{{x}}: %{{y:.0%}} solved<extra></extra>"), row=1, col=1)
        if rows["diverged_fraction"].any():
            fig.add_trace(go.Scatter(x=rows["x"], y=rows["diverged_fraction"], name=f"{name}: diverged",
                                     legendgroup=name, mode="lines+markers",
                                     line=dict(color=colour, width=2, dash="dot"), marker=dict(symbol="x", size=9),
                                     hovertemplate=f"{name}<br>%{{x}}: %{{y:.0%}} diverged<extra></extra>"),
                          row=1, col=1)
        fig.add_trace(go.Scatter(x=rows["x"], y=rows["steps_to_solve"], name=name, showlegend=False, **common,
                                 hovertemplate=f"{name}<br>%{{x}}: %{{y:,.0f}} steps<extra></extra>"), row=2, col=1)
        band_x, band_y = band_polygon(rows)
        fig.add_trace(go.Scatter(x=band_x, y=band_y, fill="toself", mode="lines", fillcolor=_rgba(colour, 0.18),
                                 line=dict(width=0), legendgroup=name, showlegend=False, hoverinfo="skip",
                                 name=f"{name} band"), row=3, col=1)
        fig.add_trace(go.Scatter(x=rows["x"], y=rows["median"], name=name, showlegend=False, **common,
                                 hovertemplate=f"{name}<br>%{{x}}: median %{{y:.4g}}<extra></extra>"), row=3, col=1)
    if baseline is not None:
        fig.add_hline(y=baseline, line=dict(color=BASELINE_COLOUR, dash="dash", width=1), row=3, col=1,
                      annotation_text="baseline", annotation_position="top left")
    base_layout(fig, height=height)
    fig.update_yaxes(range=[-0.05, 1.05], tickformat=".0%", row=1, col=1)
    fig.update_yaxes(rangemode="tozero", row=2, col=1)
    fig.update_xaxes(title_text=X_TITLES.get(x, x), row=3, col=1)
    values = sorted(set(curve["x"])) if len(curve) else []
    numeric = bool(values) and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)
    if numeric and min(values) > 0 and max(values) / min(values) >= 10:
        fig.update_xaxes(type="log")           # T from 10 to 200: even steps on a log axis
    if numeric:
        fig.update_xaxes(tickvals=values, ticktext=[f"{v:g}" for v in values])    # only the values tried
    else:
        fig.update_xaxes(type="category")
    return fig
