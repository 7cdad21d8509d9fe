"""Figures of attention and of both directions of a bidirectional RNN.

``make_attention_heatmap``: the weights α (output step × input step) of an encoder–decoder's
attention (``models.seq2seq``) or a self-attention map (``models.attention_baseline``), one row per
output step, each row a distribution over the input steps. ``make_direction_grad_figure``:
‖∂L/∂h_t‖ of the forward and the backward direction (``models.bidirectional``) against t, on a log
scale. Each has a one-line text alternative (``attention_summary``, ``direction_grad_summary``).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from models.bidirectional import DIRECTIONS
from playground.figures.gradients import make_grad_norm_figure
from playground.figures.style import OKABE_ITO, SEQUENTIAL, fast_figure, layout_dict

DIRECTION_COLOURS = {"forward": OKABE_ITO["blue"], "backward": OKABE_ITO["orange"]}
DIRECTION_ARROWS = {"forward": "→h_t", "backward": "←h_t"}
SHARP = 0.5             # a row whose largest weight is above this looks at one input step


def attention_heatmap_parts(weights: np.ndarray, input_labels: list[str] | None = None,
                            output_labels: list[str] | None = None,
                            title: str | None = None) -> tuple[list[dict], dict]:
    """Heatmap of ``weights`` (T_out, T_in), values in [0, 1]: output steps down, input steps across.

    ``input_labels`` / ``output_labels`` (the symbols read and written) label the axes' ticks;
    without them the ticks are the steps 1..T.
    """
    z = np.asarray(weights, dtype=float)
    if z.ndim != 2:
        raise ValueError(f"attention weights must be one map (output steps × input steps), got shape {z.shape}")
    rows, cols = np.arange(1, z.shape[0] + 1), np.arange(1, z.shape[1] + 1)
    data = [dict(type="heatmap", z=z, x=cols, y=rows, colorscale=SEQUENTIAL, zmin=0.0, zmax=1.0,
                 colorbar=dict(thickness=12, title=dict(text="α")),
                 hovertemplate="output step %{y} reads input step %{x}: α = %{z:.2f}<extra></extra>")]
    xaxis = dict(title=dict(text="input step j"))
    yaxis = dict(title=dict(text="output step i"), autorange="reversed")
    if input_labels is not None:
        xaxis.update(tickmode="array", tickvals=cols, ticktext=[str(s) for s in input_labels])
    if output_labels is not None:
        yaxis.update(tickmode="array", tickvals=rows, ticktext=[str(s) for s in output_labels])
    return data, layout_dict(title, height=360, xaxis=xaxis, yaxis=yaxis)


def make_attention_heatmap(weights: np.ndarray, input_labels: list[str] | None = None,
                           output_labels: list[str] | None = None, title: str | None = None) -> go.Figure:
    """``attention_heatmap_parts`` as a plotly figure."""
    return fast_figure(*attention_heatmap_parts(weights, input_labels, output_labels, title))


def attention_summary(weights: np.ndarray) -> str:
    """Text alternative of the heatmap: how sharp the rows are, and whether their peaks lie on one line.

    A line is a diagonal (input j = i + k: output i reads the input k steps after it, as in copying)
    or an anti-diagonal (j = k − i: as in reversing), k the same for most rows, or for half the sharp rows
    (a causal map on copy: the rows before the lag have nothing to copy and look anywhere).
    """
    z = np.asarray(weights, dtype=float)
    T_out = z.shape[0]
    peaks, tops = z.argmax(1) + 1, z.max(1)                  # 1-based input step of each row's peak
    i = np.arange(1, T_out + 1)
    is_sharp = tops > SHARP
    sharp = int(is_sharp.sum())
    line = f"{sharp} of {T_out} output steps put more than half their attention on one input step"
    lines = []
    # A line holds for more than half of all rows, or for at least half (and three) of the sharp ones.
    for among, holds in ((np.ones(T_out, dtype=bool), lambda c: c > T_out / 2),
                         (is_sharp, lambda c: c >= max(sharp / 2, 3))):
        for shape, offsets, rule in (("diagonal", peaks - i, "input j = i {sign} {k}"),
                                     ("anti-diagonal", peaks + i, "input j = {k} − i")):
            if among.any():
                values, counts = np.unique(offsets[among], return_counts=True)
                best = int(counts.argmax())
                lines.append((holds(int(counts[best])), int(counts[best]), shape, int(values[best]), rule))
    held, count, shape, k, rule = max(lines, key=lambda found: found[:2])
    if held:
        where = rule.format(sign="+" if k >= 0 else "−", k=abs(k)).replace(" + 0", "")
        return f"{line}; {count} peaks lie on one {shape} ({where}). Mean peak weight {tops.mean():.2f}."
    return f"{line}; their peaks lie on no diagonal yet. Mean peak weight {tops.mean():.2f}."


def make_direction_grad_figure(grad_norm: np.ndarray, title: str | None = None) -> go.Figure:
    """‖∂L/∂h_t‖ against t on a log scale, one line per direction: ``grad_norm`` (2, T), forward first."""
    rows = np.asarray(grad_norm, dtype=float)
    if rows.shape[0] != len(DIRECTIONS) or rows.ndim != 2:
        raise ValueError(f"expected one row per direction ({len(DIRECTIONS)}, T), got shape {rows.shape}")
    return make_grad_norm_figure(rows, title=title,
                                 names=[f"‖dL/d{DIRECTION_ARROWS[d]}‖ {d}" for d in DIRECTIONS],
                                 colours=[DIRECTION_COLOURS[d] for d in DIRECTIONS])


def direction_grad_summary(grad_norm: np.ndarray) -> str:
    """Text alternative: how each direction's gradient changes along the way it flows back."""
    rows = np.asarray(grad_norm, dtype=float)
    parts = []
    for direction, row in zip(DIRECTIONS, rows):
        start, end = (row[-1], row[0]) if direction == "forward" else (row[0], row[-1])   # where it enters, leaves
        where = "last step to the first" if direction == "forward" else "first step to the last"
        if start <= 0 or not np.isfinite(row).all():
            parts.append(f"the {direction} direction's gradient is zero or not finite at its end")
            continue
        parts.append(f"the {direction} direction's flows back from the {where} and ends at "
                     f"{end / start:.2g} times its start")
    return "‖∂L/∂h_t‖ per direction: " + "; ".join(parts) + "."
