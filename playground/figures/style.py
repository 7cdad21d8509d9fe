"""Visual constants in one place: colour-blind-safe palettes and chart defaults.

Okabe & Ito's eight colours are distinguishable under the common colour-vision
deficiencies; the sequential and diverging scales are viridis and a blue–orange
diverging scale built from the same palette.
"""
from __future__ import annotations

import plotly.graph_objects as go

from models.architectures import ARCHITECTURES, GATES

OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
ARCH_COLOURS = {name: row.colour for name, row in ARCHITECTURES.items()}   # from the architecture table
ARCH_LABELS = {name: row.label for name, row in ARCHITECTURES.items()}
SEQUENCE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]
SEQUENTIAL = "Viridis"
DIVERGING = [[0.0, "#0072B2"], [0.5, "#F7F7F7"], [1.0, "#D55E00"]]
BASELINE_COLOUR = OKABE_ITO["black"]

GATE_TITLES = {name: gate.title for name, gate in GATES.items()}          # from the architecture table

FONT_SIZE = 13


def layout_dict(title: str | None = None, height: int = 320, **extra) -> dict:
    """The house chart layout as a plain dict: compact margins, readable font, legend on top.

    No plotly template is set: Streamlit themes the charts it shows, and copying a
    template into every figure would cost more than drawing it (charts redraw live).
    """
    layout = dict(
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top",
                   font=dict(size=FONT_SIZE + 2)) if title else None,
        height=height, margin=dict(l=50, r=20, t=80 if title else 30, b=45),
        font=dict(size=FONT_SIZE),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
        colorway=SEQUENCE,
    )
    layout.update(extra)
    return layout


def base_layout(fig: go.Figure, title: str | None = None, height: int = 320) -> go.Figure:
    """Apply the house chart defaults (``layout_dict``) to a figure built with plotly's API."""
    fig.update_layout(layout_dict(title, height))
    return fig


def fast_figure(data: list[dict], layout: dict) -> go.Figure:
    """A Figure from plain trace and layout dicts, skipping plotly's per-property validation.

    The live pages redraw many charts several times a second; validation would cost five
    times the drawing. The figure tests rebuild every builder's output with validation on.
    """
    return go.Figure(data=data, layout=layout, _validate=False)
