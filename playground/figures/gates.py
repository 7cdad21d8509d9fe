"""Figures of gates: the saturation scatter (Karpathy et al. 2015)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import DIVERGING, GATE_TITLES, OKABE_ITO, SEQUENTIAL, fast_figure, layout_dict

GATE_COLOURS = {"i": OKABE_ITO["blue"], "f": OKABE_ITO["vermillion"], "o": OKABE_ITO["green"],
                "g": OKABE_ITO["purple"], "r": OKABE_ITO["orange"], "z": OKABE_ITO["blue"],
                "n": OKABE_ITO["purple"], "tanh": OKABE_ITO["vermillion"]}
SYMBOLS = {"i": "circle", "f": "square", "o": "diamond", "g": "x", "r": "circle", "z": "square",
           "n": "x", "tanh": "circle"}


def saturation_parts(saturation: dict[str, np.ndarray], title: str | None = None) -> tuple[list[dict], dict]:
    """One dot per unit and gate: fraction of time < 0.1 (x) against fraction > 0.9 (y).

    Dots near the top-left are gates that are almost always open (or a tanh unit always
    saturated); bottom-right, almost always closed (or in the linear regime); near the
    diagonal's origin, gates that respond to the input. No dot lies above the diagonal
    (x + y <= 1), so the legend sits in that empty corner, clear of the title.
    """
    data = [dict(type="scatter", x=frac[:, 0], y=frac[:, 1], mode="markers", name=GATE_TITLES.get(name, name),
                 marker=dict(size=8, color=GATE_COLOURS.get(name), symbol=SYMBOLS.get(name, "circle"),
                             opacity=0.75),
                 text=[f"unit {k}" for k in range(len(frac))],
                 hovertemplate="%{text}: <0.1 %{x:.0%}, >0.9 %{y:.0%}<extra></extra>")
            for name, frac in saturation.items()]
    layout = layout_dict(title, height=340,
                         xaxis=dict(title=dict(text="fraction of time < 0.1<br>(closed / linear)"),
                                    range=[-0.03, 1.03]),
                         yaxis=dict(title=dict(text="fraction of time > 0.9<br>(open / saturated)"),
                                    range=[-0.03, 1.03]),
                         legend=dict(orientation="v", yanchor="top", y=1, xanchor="right", x=1,
                                     bgcolor="rgba(0,0,0,0)"))
    layout["shapes"] = [dict(type="line", x0=0, y0=1, x1=1, y1=0, line=dict(color="#999", dash="dot", width=1))]
    return data, layout


GATED = ("i", "f", "o", "r", "z")      # sigmoid gates: values in (0, 1)
ROW_HEIGHT = 210                       # pixels per row of the gate grid


def make_saturation_figure(saturation: dict[str, np.ndarray], title: str | None = None) -> go.Figure:
    """``saturation_parts`` as a plotly figure."""
    return fast_figure(*saturation_parts(saturation, title))


def gate_grid_parts(values: dict[str, np.ndarray], title: str | None = None,
                    columns: int = 3) -> tuple[list[dict], dict]:
    """Units × timesteps heatmaps of several gates in one figure: values maps name -> (T, H).

    Sigmoid gates (i, f, o, r, z) share a viridis scale fixed to [0, 1]; the signed ones (g, n,
    c, pre-activation) share a diverging scale centred on 0 and symmetric about it. One figure
    with a panel per gate draws several times faster in the browser than one chart per gate.
    """
    names = list(values)
    columns = max(1, min(columns, len(names)))
    rows = -(-len(names) // columns)
    signed = [float(np.abs(v).max()) for n, v in values.items() if n not in GATED]
    span = max(signed, default=1.0) or 1.0
    plot_height = ROW_HEIGHT * rows                     # pixels inside the margins
    gap_top, gap_bottom = 22 / plot_height, 30 / plot_height   # room for a panel title, tick labels
    gap_left, gap_right = (0.08, 0.02) if columns > 1 else (0.0, 0.0)
    data, layout = [], layout_dict(title, height=plot_height + (60 if title else 20) + 45)
    layout["margin"] = dict(l=50, r=90, t=60 if title else 20, b=45)
    annotations = []
    for k, name in enumerate(names):
        row, col = divmod(k, columns)
        axis = "" if k == 0 else str(k + 1)
        x0 = col / columns + (gap_left if col else 0.0)
        x1 = (col + 1) / columns - (gap_right if col < columns - 1 else 0.0)
        y1 = 1 - row / rows - gap_top
        y0 = 1 - (row + 1) / rows + (gap_bottom if row < rows - 1 else 0.0)
        v = values[name]
        data.append(dict(type="heatmap", z=v.T, x=np.arange(1, v.shape[0] + 1), y=np.arange(v.shape[1]),
                         xaxis=f"x{axis}", yaxis=f"y{axis}",
                         coloraxis="coloraxis" if name in GATED else "coloraxis2",
                         hovertemplate=f"{name}: t=%{{x}}, unit %{{y}}: %{{z:.3f}}<extra></extra>"))
        layout[f"xaxis{axis}"] = dict(domain=[x0, x1], anchor=f"y{axis}",
                                      title=dict(text="timestep t") if k + columns >= len(names) else None)
        layout[f"yaxis{axis}"] = dict(domain=[y0, y1], anchor=f"x{axis}",
                                      title=dict(text="unit") if col == 0 else None)
        annotations.append(dict(text=GATE_TITLES.get(name, name), x=x0, y=y1, xref="paper", yref="paper",
                                xanchor="left", yanchor="bottom", showarrow=False))
    layout["annotations"] = annotations
    colourbar = dict(thickness=12, x=1.02, len=0.45)
    if any(n in GATED for n in names):
        layout["coloraxis"] = dict(colorscale=SEQUENTIAL, cmin=0.0, cmax=1.0,
                                   colorbar=dict(colourbar, y=0.75, title=dict(text="gate")))
    if any(n not in GATED for n in names):
        layout["coloraxis2"] = dict(colorscale=DIVERGING, cmin=-span, cmax=span,
                                    colorbar=dict(colourbar, y=0.25 if any(n in GATED for n in names) else 0.5,
                                                  title=dict(text="value")))
    return data, layout


def make_gate_grid(values: dict[str, np.ndarray], title: str | None = None, columns: int = 3) -> go.Figure:
    """``gate_grid_parts`` as a plotly figure."""
    return fast_figure(*gate_grid_parts(values, title, columns))


def gate_grid_summary(values: dict[str, np.ndarray]) -> str:
    """Text alternative for the gate grid: mean and range of each gate."""
    return "; ".join(f"{GATE_TITLES.get(n, n)}: mean {v.mean():.2f}, range {v.min():.2f} to {v.max():.2f}"
                     for n, v in values.items()) + "."


def saturation_summary(saturation: dict[str, np.ndarray]) -> str:
    """Text alternative: mean saturation per gate."""
    parts = [f"{name}: {frac[:, 0].mean():.0%} of the time below 0.1, {frac[:, 1].mean():.0%} above 0.9"
             for name, frac in saturation.items()]
    return "Average over units — " + "; ".join(parts) + "."
