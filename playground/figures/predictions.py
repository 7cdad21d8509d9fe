"""Figures of what the model outputs on a probe example, against the target."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import OKABE_ITO, fast_figure, layout_dict


def series_parts(example: dict, title: str | None = None) -> tuple[list[dict], dict]:
    """Input, target and prediction of one probe sequence (regression tasks), as trace and layout dicts."""
    data, shapes, notes = [], [], []
    for key, colour, dash, name in (("input", OKABE_ITO["sky"], "dot", "input"),
                                    ("target", OKABE_ITO["black"], "solid", "target"),
                                    ("prediction", OKABE_ITO["vermillion"], "solid", "prediction")):
        values = example.get(key)
        if values is None:
            continue
        arr = np.asarray(values, dtype=float)
        if arr.ndim > 1:
            arr = arr[:, 0] if arr.shape[-1] >= 1 else arr.ravel()
        if arr.size == 1:      # a horizontal line across the plot (what add_hline draws, at a tenth of its cost)
            value = float(arr.ravel()[0])
            shapes.append(dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=value, y1=value,
                               line=dict(color=colour, dash="dash")))
            notes.append(dict(xref="x domain", x=1, xanchor="right", yref="y", y=value, showarrow=False,
                              yanchor="bottom" if key == "target" else "top",   # close values: above and below
                              text=f"{name}: {value:.3f}", font=dict(color=colour)))
            continue
        data.append(dict(type="scatter", x=np.arange(1, arr.size + 1), y=arr, mode="lines+markers", name=name,
                         line=dict(color=colour, dash=dash, width=2), marker=dict(size=4)))
    layout = layout_dict(title, height=300, xaxis=dict(title=dict(text="timestep t")))
    if shapes:
        layout.update(shapes=shapes, annotations=notes)
    return data, layout


def make_series_figure(example: dict, title: str | None = None) -> go.Figure:
    """``series_parts`` as a plotly figure."""
    return fast_figure(*series_parts(example, title))
