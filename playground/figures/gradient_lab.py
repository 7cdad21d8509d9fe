"""Figures of the gradients lab: architectures overlaid, and clipping on an exploding run."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.figures.gradients import TINY, make_grad_norm_figure
from playground.figures.style import ARCH_COLOURS, ARCH_LABELS, OKABE_ITO, base_layout


def make_arch_overlay_figure(curves: dict, which: str = "grad", title: str | None = None) -> go.Figure:
    """||dL/dh_t|| (which="grad") or ||dh_T/dh_t|| ("jacobian") of each architecture, log scale."""
    archs = list(curves)
    rows = np.stack([curves[a].grad_norm if which == "grad" else curves[a].jacobian_norm for a in archs])
    fig = make_grad_norm_figure(rows, names=[ARCH_LABELS[a] for a in archs],
                                colours=[ARCH_COLOURS[a] for a in archs], title=title)
    fig.update_yaxes(title_text=("‖dL/dh_t‖" if which == "grad" else "‖dh_T/dh_t‖") + " (log scale)")
    return fig


def make_clipping_figure(runs: list, title: str | None = None) -> go.Figure:
    """Gradient norm per training step (log, before clipping) and the loss, per run.

    Each run is a ClipRun (label, clip, steps, grad_norm, loss, diverged_at). The clip
    threshold is drawn where clipping is on; a divergence is marked with an ×.
    """
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1,
                        subplot_titles=("gradient norm before clipping (log)", "training loss (log)"))
    colours = [OKABE_ITO["vermillion"], OKABE_ITO["blue"]]
    for k, run in enumerate(runs):
        colour = colours[k % 2]
        steps = np.asarray(run.steps)
        fig.add_scatter(x=steps, y=np.maximum(np.asarray(run.grad_norm, dtype=float), TINY), mode="lines",
                        name=run.label, legendgroup=run.label, line=dict(color=colour, width=2), row=1, col=1)
        fig.add_scatter(x=steps, y=run.loss, mode="lines", name=run.label, legendgroup=run.label,
                        showlegend=False, line=dict(color=colour, width=2), row=1, col=2)
        if run.clip > 0:
            fig.add_hline(y=run.clip, line=dict(color=colour, dash="dash", width=1.5), row=1, col=1,
                          annotation_text=f"clip at {run.clip:g}", annotation_position="top left")
        if run.diverged_at is not None:
            last = run.grad_norm[-1] if run.grad_norm else 1.0
            fig.add_scatter(x=[run.diverged_at], y=[max(last, TINY)], mode="markers+text",
                            marker=dict(symbol="x", size=14, color=colour), text=["diverged"],
                            textposition="top center", showlegend=False, row=1, col=1)
    base_layout(fig, title, height=380)
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.4, xanchor="left", x=0),  # below the axis titles
                      margin=dict(b=120))
    fig.update_yaxes(type="log", exponentformat="power")
    fig.update_xaxes(title_text="training step")
    return fig


def clipping_summary(runs: list) -> str:
    """Text alternative of the clipping figure."""
    parts = []
    for run in runs:
        if not run.steps:
            parts.append(f"{run.label}: diverged at the first step")
            continue
        peak = float(np.max(run.grad_norm))
        text = f"{run.label}: peak gradient norm {peak:.3g}, last loss {run.loss[-1]:.3g} after {run.steps[-1]} steps"
        if run.diverged_at is not None:
            text += f", diverged (NaN/Inf) at step {run.diverged_at}"
        parts.append(text)
    return "; ".join(parts) + "."
