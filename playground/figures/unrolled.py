"""The tiny cell unrolled over time, as a plotly figure (pure: arrays in, Figure out).

Columns are timesteps: x_t at the bottom, the cell's h_t (and c_t) in the middle, the
readout y_t on top, h_0 = 0 on the far left. The current step's column is shaded.
Forward mode prints the values; backward mode prints the gradients, points the arrows
the way the gradient flows (right to left along h, top to bottom from y) and colours
and thickens each arrow by the size of the gradient it carries, labelled with its norm.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.colors import find_intermediate_color, hex_to_rgb

from playground.figures.style import OKABE_ITO, base_layout

ROW = {"x": 0.0, "h": 1.15, "y": 2.35}
HALF_W = 0.36
COLOURS = {"x": OKABE_ITO["vermillion"], "h": OKABE_ITO["green"], "y": OKABE_ITO["blue"]}
QUIET, LOUD = "#C8C8C8", OKABE_ITO["vermillion"]
HIGHLIGHT = "rgba(86, 180, 233, 0.16)"


def _fmt(v: float, digits: int = 2) -> str:
    text = f"{v:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text.replace("-", "−")


def _grad_colour(share: float) -> str:
    rgb = find_intermediate_color(hex_to_rgb(QUIET), hex_to_rgb(LOUD), float(np.clip(share, 0, 1)))
    return "rgb({:.0f},{:.0f},{:.0f})".format(*rgb)


@dataclass
class _Parts:
    """Shapes and annotations gathered as plain dicts, handed to plotly once (add_* one by one is slow)."""

    shapes: list
    annotations: list


def _box(fig: _Parts, cx: float, cy: float, half_h: float, kind: str, text: str, bold: bool, font: int) -> None:
    colour = COLOURS.get(kind, "#888888")
    r, g, b = hex_to_rgb(colour)
    fig.shapes.append(dict(type="rect", x0=cx - HALF_W, x1=cx + HALF_W, y0=cy - half_h, y1=cy + half_h,
                           line=dict(color=colour, width=3.5 if bold else 1.5),
                           fillcolor=f"rgba({r},{g},{b},0.13)", layer="below"))
    fig.annotations.append(dict(x=cx, y=cy, text=text, showarrow=False, font=dict(size=font, color="#1A1A1A"),
                                align="center"))


def _arrow(fig: _Parts, tail, head, colour="#777777", width=1.4, label=None, label_pos="above") -> None:
    fig.annotations.append(dict(x=head[0], y=head[1], ax=tail[0], ay=tail[1], xref="x", yref="y", axref="x",
                                ayref="y", showarrow=True, arrowhead=2, arrowsize=1, arrowwidth=width,
                                arrowcolor=colour, text=""))
    if label:
        mx, my = (tail[0] + head[0]) / 2, (tail[1] + head[1]) / 2
        fig.annotations.append(dict(x=mx, y=my, text=label, showarrow=False, font=dict(size=11, color="#333333"),
                                    yshift=11 if label_pos == "above" else 0,
                                    xshift=0 if label_pos == "above" else 24, bgcolor="rgba(255,255,255,0.85)"))


def make_unrolled_figure(x: np.ndarray, h: np.ndarray, y: np.ndarray, d: np.ndarray, t: int,
                         mode: str = "forward", c: np.ndarray | None = None,
                         grad_h: np.ndarray | None = None, grad_c: np.ndarray | None = None,
                         grad_y: np.ndarray | None = None, grad_direct: np.ndarray | None = None,
                         grad_next: np.ndarray | None = None, scored: np.ndarray | None = None,
                         title: str | None = None) -> go.Figure:
    """The unrolled network with step ``t`` (0-based) highlighted.

    x (T, I), h (T, H), y (T,), d (T,) targets, c (T, H) LSTM cell states or None.
    Backward mode also needs grad_h (T, H) = dL/dh_t, grad_y (T,) = dL/dy_t,
    grad_direct (T,) = ||W_hy^T dL/dy_t||, grad_next (T,) = ||term of dL/dh_t from step t+1||
    (grad_c (T, H) = dL/dc_t for the LSTM). ``scored`` (T,) marks the steps the loss scores.
    """
    T, H = h.shape
    backward = mode == "backward"
    font = 14 if T <= 5 else 12 if T <= 8 else 10
    half_h = 0.16 + (0.09 if T <= 5 else 0.075) * (H + 1)
    fig = _Parts([dict(type="rect", x0=t - 0.5, x1=t + 0.5, y0=-0.45, y1=ROW["y"] + 0.42, line=dict(width=0),
                       fillcolor=HIGHLIGHT, layer="below")], [])
    labels = T <= 8                 # wider sequences: colour and width only, numbers on hover
    scale = max(float(np.max(grad_next)) if backward and T > 1 else 0.0,
                float(np.max(grad_direct)) if backward else 0.0, 1e-12)
    hover_x, hover_y, hover_text = [], [], []
    for k in range(T):
        bold = k == t
        xt = ", ".join(_fmt(v) for v in x[k])
        _box(fig, k, ROW["x"], 0.2, "x", f"<b>x<sub>{k + 1}</sub></b><br>{xt}", bold, font)
        if backward:
            vals = grad_h[k] if grad_c is None else list(zip(grad_h[k], grad_c[k]))
            head = f"<b>δh<sub>{k + 1}</sub></b>" + (f" | <b>δc<sub>{k + 1}</sub></b>" if grad_c is not None else "")
            digits = 3
        else:
            vals = h[k] if c is None else list(zip(h[k], c[k]))
            head = f"<b>h<sub>{k + 1}</sub></b>" + (f" | <b>c<sub>{k + 1}</sub></b>" if c is not None else "")
            digits = 2
        lines = [" | ".join(_fmt(u, digits) for u in v) if isinstance(v, tuple) else _fmt(v, digits) for v in vals]
        _box(fig, k, ROW["h"], half_h, "h", "<br>".join([head] + lines), bold, font)
        is_scored = scored is None or scored[k]
        ytext = (f"<b>∂L/∂y<sub>{k + 1}</sub></b><br>{_fmt(grad_y[k], 3)}" if backward
                 else f"<b>y<sub>{k + 1}</sub></b> {_fmt(y[k])}<br>d {_fmt(d[k])}" if is_scored
                 else f"<b>y<sub>{k + 1}</sub></b> {_fmt(y[k])}<br>(unscored)")
        _box(fig, k, ROW["y"], 0.24, "y", ytext, bold, font)
        _arrow(fig, (k, ROW["x"] + 0.2), (k, ROW["h"] - half_h))
        if backward:
            share = grad_direct[k] / scale
            _arrow(fig, (k, ROW["y"] - 0.24), (k, ROW["h"] + half_h), _grad_colour(share), 1.2 + 4 * share,
                   _fmt(grad_direct[k], 3) if labels and grad_direct[k] > 0 else None, "side")
            if k + 1 < T:
                share = grad_next[k] / scale
                _arrow(fig, (k + 1 - HALF_W, ROW["h"]), (k + HALF_W, ROW["h"]), _grad_colour(share),
                       1.2 + 4 * share, _fmt(grad_next[k], 3) if labels else None)
        else:
            _arrow(fig, (k, ROW["h"] + half_h), (k, ROW["y"] - 0.24))
            if k + 1 < T:
                _arrow(fig, (k + HALF_W, ROW["h"]), (k + 1 - HALF_W, ROW["h"]))
        hover_x += [k, k, k]
        hover_y += [ROW["x"], ROW["h"], ROW["y"]]
        hover_text += [f"x_{k + 1} = [{xt}]",
                       (f"dL/dh_{k + 1} = " if backward else f"h_{k + 1} = ") + "[" + ", ".join(
                           f"{v:.4f}" for v in (grad_h[k] if backward else h[k])) + "]" + (
                           f"<br>direct ‖W_hyᵀ dL/dy‖ = {grad_direct[k]:.4f}<br>from step {k + 2}: {grad_next[k]:.4f}"
                           if backward else ""),
                       f"y_{k + 1} = {y[k]:.4f}, target {d[k]:.4f}"]
    _box(fig, -1, ROW["h"], half_h, "h0", "<b>h<sub>0</sub></b><br>0" + (" | c<sub>0</sub> 0" if c is not None else ""),
         False, font)
    if not backward:
        _arrow(fig, (-1 + HALF_W, ROW["h"]), (-HALF_W, ROW["h"]))
    fig = go.Figure(layout=dict(shapes=fig.shapes, annotations=fig.annotations))
    fig.add_trace(go.Scatter(x=hover_x, y=hover_y, mode="markers", marker=dict(size=30, opacity=0),
                             hovertext=hover_text, hoverinfo="text", showlegend=False))
    base_layout(fig, title, height=int(330 + (34 if T <= 5 else 26) * H))
    fig.update_xaxes(visible=False, range=[-1.55, T - 0.45], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.5, ROW["y"] + 0.5], fixedrange=True)
    fig.update_layout(margin=dict(l=10, r=10, t=40 if title else 10, b=10), dragmode=False)
    return fig


def describe_unrolled(T: int, t: int, mode: str, grad_h_norms: np.ndarray | None = None) -> str:
    """A one-line text alternative for the diagram."""
    text = f"The cell unrolled over {T} steps; step {t + 1} is highlighted."
    if mode == "backward" and grad_h_norms is not None:
        text += " ‖dL/dh_t‖ from t=1 to T: " + ", ".join(f"{v:.3f}" for v in grad_h_norms) + "."
    return text
