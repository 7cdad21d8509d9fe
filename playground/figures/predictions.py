"""Figures of what the model outputs on a probe example, against the target."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import OKABE_ITO, base_layout


def make_series_figure(example: dict, title: str | None = None) -> go.Figure:
    """Input, target and prediction of one probe sequence (regression tasks)."""
    fig = go.Figure()
    for key, colour, dash, name in (("input", OKABE_ITO["sky"], "dot", "input"),
                                    ("target", OKABE_ITO["black"], "solid", "target"),
                                    ("prediction", OKABE_ITO["vermillion"], "solid", "prediction")):
        values = example.get(key)
        if values is None:
            continue
        arr = np.asarray(values, dtype=float)
        if arr.ndim > 1:
            arr = arr[:, 0] if arr.shape[-1] >= 1 else arr.ravel()
        if arr.size == 1:
            fig.add_hline(y=float(arr.ravel()[0]), line=dict(color=colour, dash="dash"),
                          annotation_text=f"{name}: {float(arr.ravel()[0]):.3f}",
                          annotation_position="top right" if key == "target" else "bottom right",
                          annotation_font_color=colour)      # close values: labels above and below, not on top
            continue
        fig.add_scatter(x=np.arange(1, arr.size + 1), y=arr, mode="lines+markers", name=name,
                        line=dict(color=colour, dash=dash, width=2), marker=dict(size=4))
    base_layout(fig, title, height=300)
    fig.update_xaxes(title_text="timestep t")
    return fig
