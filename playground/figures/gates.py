"""Figures of gates: the saturation scatter (Karpathy et al. 2015)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import GATE_TITLES, OKABE_ITO, fast_figure, layout_dict

GATE_COLOURS = {"i": OKABE_ITO["blue"], "f": OKABE_ITO["vermillion"], "o": OKABE_ITO["green"],
                "g": OKABE_ITO["purple"], "r": OKABE_ITO["orange"], "z": OKABE_ITO["blue"],
                "n": OKABE_ITO["purple"], "tanh": OKABE_ITO["vermillion"]}
SYMBOLS = {"i": "circle", "f": "square", "o": "diamond", "g": "x", "r": "circle", "z": "square",
           "n": "x", "tanh": "circle"}


def make_saturation_figure(saturation: dict[str, np.ndarray], title: str | None = None) -> go.Figure:
    """One dot per unit and gate: fraction of time < 0.1 (x) against fraction > 0.9 (y).

    Dots near the top-left are gates that are almost always open (or a tanh unit always
    saturated); bottom-right, almost always closed (or in the linear regime); near the
    diagonal's origin, gates that respond to the input.
    """
    data = [dict(type="scatter", x=frac[:, 0], y=frac[:, 1], mode="markers", name=GATE_TITLES.get(name, name),
                 marker=dict(size=8, color=GATE_COLOURS.get(name), symbol=SYMBOLS.get(name, "circle"),
                             opacity=0.75, line=dict(width=0.5, color="white")),
                 text=[f"unit {k}" for k in range(len(frac))],
                 hovertemplate="%{text}: <0.1 %{x:.0%}, >0.9 %{y:.0%}<extra></extra>")
            for name, frac in saturation.items()]
    layout = layout_dict(title, height=340,
                         xaxis=dict(title=dict(text="fraction of time < 0.1 (closed / linear)"), range=[-0.03, 1.03]),
                         yaxis=dict(title=dict(text="fraction of time > 0.9 (open / saturated)"), range=[-0.03, 1.03]))
    layout["shapes"] = [dict(type="line", x0=0, y0=1, x1=1, y1=0, line=dict(color="#999", dash="dot", width=1))]
    return fast_figure(data, layout)


def saturation_summary(saturation: dict[str, np.ndarray]) -> str:
    """Text alternative: mean saturation per gate."""
    parts = [f"{name}: {frac[:, 0].mean():.0%} of the time below 0.1, {frac[:, 1].mean():.0%} above 0.9"
             for name, frac in saturation.items()]
    return "Average over units — " + "; ".join(parts) + "."
