"""Figures of gradients through time: ||dL/dh_t|| against t, and over the whole run."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import OKABE_ITO, SEQUENTIAL, fast_figure, layout_dict

TINY = 1e-30  # log scales cannot show 0
LAYER_COLOURS = [OKABE_ITO["blue"], OKABE_ITO["green"], OKABE_ITO["purple"]]


def grad_norm_parts(grad_norm: np.ndarray, jacobian_norm: np.ndarray | None = None,
                    theory: np.ndarray | None = None, title: str | None = None,
                    names: list[str] | None = None, colours: list[str] | None = None,
                    cuts: list[int] | None = None) -> tuple[list[dict], dict]:
    """||dL/dh_t|| against t on a log scale, one line per row of ``grad_norm`` (L, T) or (T,).

    ``jacobian_norm`` (T,) adds ||dh_T/dh_t||; ``theory`` (T,) adds the linear theory's ρ^(T−t).
    ``cuts``: the timesteps whose incoming h is detached (truncated BPTT), drawn as vertical
    lines; a gradient that is exactly 0 there (cut off) leaves a gap instead of a fall to 1e-30.
    """
    rows = np.atleast_2d(grad_norm)
    if cuts:
        rows = np.where(rows > 0, rows, np.nan)
        if jacobian_norm is not None:
            jacobian_norm = np.where(jacobian_norm > 0, jacobian_norm, np.nan)
    t = np.arange(1, rows.shape[1] + 1)
    data = []
    for k, row in enumerate(rows):
        name = names[k] if names else (f"‖dL/dh_t‖ layer {k + 1}" if len(rows) > 1 else "‖dL/dh_t‖")
        colour = colours[k] if colours else LAYER_COLOURS[k % 3]
        data.append(dict(type="scatter", x=t, y=np.maximum(row, TINY), mode="lines+markers", name=name,
                         line=dict(color=colour, width=2.5), marker=dict(size=4)))
    if jacobian_norm is not None:
        data.append(dict(type="scatter", x=t, y=np.maximum(jacobian_norm, TINY), mode="lines",
                         name="‖dh_T/dh_t‖", line=dict(color=OKABE_ITO["orange"], width=2, dash="dot")))
    if theory is not None:
        data.append(dict(type="scatter", x=t, y=np.maximum(theory, TINY), mode="lines",
                         name="ρ^(T−t) (linear theory)",
                         line=dict(color=OKABE_ITO["black"], width=1.5, dash="dash")))
    layout = layout_dict(title, xaxis=dict(title=dict(text="timestep t")),
                         yaxis=dict(title=dict(text="norm (log scale)"), type="log", exponentformat="power"))
    if cuts:
        layout["shapes"] = [dict(type="line", xref="x", x0=t - 0.5, x1=t - 0.5, yref="paper", y0=0, y1=1,
                                 line=dict(color=OKABE_ITO["vermillion"], dash="dot", width=1.5)) for t in cuts]
        layout["annotations"] = [dict(xref="x", x=cuts[-1] - 0.5, xanchor="right", yref="paper", y=0.98,
                                      yanchor="top", showarrow=False, text="h detached ",
                                      font=dict(color=OKABE_ITO["vermillion"]))]
    return data, layout


def make_grad_norm_figure(grad_norm: np.ndarray, jacobian_norm: np.ndarray | None = None,
                          theory: np.ndarray | None = None, title: str | None = None,
                          names: list[str] | None = None, colours: list[str] | None = None,
                          cuts: list[int] | None = None) -> go.Figure:
    """``grad_norm_parts`` as a plotly figure."""
    return fast_figure(*grad_norm_parts(grad_norm, jacobian_norm, theory, title, names, colours, cuts))


def cuts_summary(cuts: list[int]) -> str:
    """Text alternative of the truncation lines: where the gradient stops ('' without truncation)."""
    if not cuts:
        return ""
    every = cuts[0] - 1
    return (f" Truncated BPTT every {every} steps: h is detached before t = {', '.join(map(str, cuts))}, "
            f"so no gradient crosses those lines (the loss at a step reaches back at most {every} steps).")


def grad_heatmap_parts(steps: list[int], grad_norms: list[np.ndarray], radii: list[float],
                       title: str | None = None, radius_title: str = "ρ(W_hh)") -> tuple[list[dict], dict]:
    """Training step × timestep heatmap of log10 ||dL/dh_t||, with the spectral radius beside it
    (``radius_title`` names it: ρ(W_hh), or max |λ| of a diagonal recurrence)."""
    data = []
    if grad_norms:
        z = np.log10(np.maximum(np.stack(grad_norms), TINY))            # (S, T)
        finite = z[z > np.log10(TINY) + 1]
        zmin = float(np.percentile(finite, 2)) if finite.size else -10.0
        data.append(dict(type="heatmap", z=z, x=np.arange(1, z.shape[1] + 1), y=np.asarray(steps),
                         colorscale=SEQUENTIAL, zmin=zmin, zmax=float(z.max()),
                         colorbar=dict(thickness=12, x=0.6, xanchor="left", title=dict(text="log₁₀")),
                         hovertemplate="step %{y}, t=%{x}: 10^%{z:.2f}<extra></extra>"))
        data.append(dict(type="scatter", x=np.asarray(radii), y=np.asarray(steps), xaxis="x2", yaxis="y",
                         mode="lines+markers", line=dict(color=OKABE_ITO["vermillion"]), marker=dict(size=4),
                         name=radius_title, showlegend=False))
    layout = layout_dict(title, height=340,
                         xaxis=dict(domain=[0, 0.57], title=dict(text="timestep t")),   # the colour bar between
                         xaxis2=dict(domain=[0.83, 1.0], title=dict(text=radius_title), nticks=3),
                         yaxis=dict(title=dict(text="training step")))
    layout["shapes"] = [dict(type="line", xref="x2", x0=1, x1=1, yref="paper", y0=0, y1=1,
                             line=dict(color=OKABE_ITO["black"], dash="dash", width=1))]
    return data, layout


def make_grad_heatmap_figure(steps: list[int], grad_norms: list[np.ndarray], radii: list[float],
                             title: str | None = None, radius_title: str = "ρ(W_hh)") -> go.Figure:
    """``grad_heatmap_parts`` as a plotly figure."""
    return fast_figure(*grad_heatmap_parts(steps, grad_norms, radii, title, radius_title))


def grad_summary(grad_norm: np.ndarray, symbol: str = "h_t") -> str:
    """Text alternative: how much the gradient shrinks or grows from the last step to the first
    (``symbol``: where it is measured, h_t or a network's own, e.g. a self-attention layer's inputs z_t)."""
    g = np.atleast_2d(grad_norm)[-1]
    if g[-1] <= 0 or not np.isfinite(g).all():
        return "The gradient norm is zero or not finite at some step."
    ratio = g[0] / g[-1]
    trend = "vanishes" if ratio < 0.1 else "explodes" if ratio > 10 else "stays within a factor of 10"
    return (f"‖dL/d{symbol}‖ is {g[-1]:.3g} at the last step and {g[0]:.3g} at the first: "
            f"going back through time the gradient {trend} (ratio {ratio:.2g}).")
