"""Figures of an intervention: the prediction before and after, side by side with the target."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import OKABE_ITO, base_layout


def _series(values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    return arr[:, 0] if arr.ndim > 1 else arr.ravel()


def make_before_after_figure(before: dict, after: dict, title: str | None = None) -> go.Figure:
    """Target, prediction as trained and prediction with the intervention (series examples).

    A single-number output (many-to-one) is drawn as three bars; a sequence as three lines.
    """
    target, pred0, pred1 = (_series(before.get("target", [])), _series(before.get("prediction", [])),
                            _series(after.get("prediction", [])))
    fig = go.Figure()
    names = ("target", "as trained", "with the intervention")
    colours = (OKABE_ITO["black"], OKABE_ITO["blue"], OKABE_ITO["vermillion"])
    if max(target.size, pred0.size) <= 1:
        values = [float(v[0]) if v.size else float("nan") for v in (target, pred0, pred1)]
        fig.add_bar(x=list(names), y=values, marker_color=list(colours), text=[f"{v:.3f}" for v in values],
                    textposition="outside")
        fig.update_yaxes(title_text="output at the last step")
    else:
        for values, name, colour, dash in zip((target, pred0, pred1), names, colours, ("solid", "solid", "dot")):
            fig.add_scatter(x=np.arange(1, values.size + 1), y=values, mode="lines+markers", name=name,
                            line=dict(color=colour, width=2, dash=dash), marker=dict(size=4))
        fig.update_xaxes(title_text="timestep t")
    base_layout(fig, title, height=320)
    return fig


def example_rows(before: dict, after: dict) -> dict[str, str]:
    """Rows of a before/after table for symbol, label and text examples."""
    def show(v) -> str:
        return ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)
    rows = {k: show(v) for k, v in before.items() if k not in ("kind", "prediction")}
    rows["prediction as trained"] = show(before.get("prediction", ""))
    rows["prediction with the intervention"] = show(after.get("prediction", ""))
    return rows
