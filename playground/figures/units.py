"""Figures of one unit over the searched data: text coloured by activation, or sequences × time."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.figures.style import DIVERGING, OKABE_ITO, fast_figure, layout_dict

TEXT_WIDTH = 60            # characters per row of the text figure
TEXT_ROWS = 16             # rows shown (about 1,000 characters)
VISIBLE = {"\n": "↵", " ": "·", "\t": "→"}
HTML = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}   # plotly reads a few HTML tags in text: show them as text


def _shown(ch: str) -> str:
    return HTML.get(ch) or VISIBLE.get(ch) or (ch if ch.isprintable() else "?")


def _mask_trace(mask: np.ndarray, x_offset: int = 0) -> dict:
    """A bar under every marked cell."""
    rows, cols = np.nonzero(mask)
    return dict(type="scatter", x=cols + x_offset, y=rows + 0.4, mode="markers", name="marked", hoverinfo="skip",
                marker=dict(symbol="line-ew-open", size=14, color=OKABE_ITO["black"], line=dict(width=2.5)))


def make_text_activation_figure(text: str, values: np.ndarray, mask: np.ndarray, unit: int,
                                start: int = 0) -> go.Figure:
    """Characters from ``start`` on, each on a cell coloured by the unit's activation; marked ones underlined."""
    n = min(len(text) - start, TEXT_WIDTH * TEXT_ROWS)
    rows = -(-n // TEXT_WIDTH)
    size = rows * TEXT_WIDTH
    pad = size - n
    chars = np.array([_shown(c) for c in text[start:start + n]] + [""] * pad).reshape(rows, TEXT_WIDTH)
    z = np.r_[values[start:start + n], np.full(pad, np.nan)].reshape(rows, TEXT_WIDTH)
    marked = np.r_[mask[start:start + n], np.zeros(pad, dtype=bool)].reshape(rows, TEXT_WIDTH)
    span = float(np.nanmax(np.abs(z))) or 1.0
    heat = dict(type="heatmap", z=z, text=chars, texttemplate="%{text}", textfont=dict(size=14),
                zmin=-span, zmax=span, colorscale=DIVERGING, colorbar=dict(thickness=12, title=dict(text=f"unit {unit}")),
                hovertemplate="%{text}: %{z:.3f}<extra></extra>", xgap=1, ygap=1)
    layout = layout_dict(f"Unit {unit} over the text (underlined: marked by the pattern)", height=80 + 30 * rows,
                         xaxis=dict(visible=False), yaxis=dict(visible=False, autorange="reversed"),
                         showlegend=False)
    return fast_figure([heat, _mask_trace(marked)], layout)


def make_sequence_activation_figure(values: np.ndarray, mask: np.ndarray, unit: int, rows: int = 16) -> go.Figure:
    """Sequences × timesteps of the unit's activation (``values``, ``mask``: (B, T)); marked cells underlined."""
    values, mask = values[:rows], mask[:rows]
    span = float(np.abs(values).max()) or 1.0
    heat = dict(type="heatmap", z=values, x=np.arange(1, values.shape[1] + 1), y=np.arange(values.shape[0]),
                zmin=-span, zmax=span, colorscale=DIVERGING, colorbar=dict(thickness=12),
                hovertemplate="sequence %{y}, t=%{x}: %{z:.3f}<extra></extra>")
    layout = layout_dict(f"Unit {unit} on {values.shape[0]} sequences (underlined: marked)", height=120 + 18 * len(values),
                         xaxis=dict(title=dict(text="timestep t")), yaxis=dict(title=dict(text="sequence"),
                                                                                 autorange="reversed"),
                         showlegend=False)
    mark = _mask_trace(mask, x_offset=1)
    mark["marker"]["size"] = 8
    return fast_figure([heat, mark], layout)
