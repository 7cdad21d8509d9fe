"""Small diagrams of the five RNN topologies, as inline SVG (Karpathy's layout).

Time runs left to right. Each column is one timestep: an input box x at the bottom,
a recurrent cell h in the middle (chained to the next column's h), an output box y
on top. Inputs, cells and outputs keep one colour each from the Okabe–Ito palette,
and carry their letter too, so the picture does not rely on colour alone.
"""
from __future__ import annotations

from html import escape

from playground.figures.style import OKABE_ITO

BOX = 26          # side of one box, px
COL = 44          # horizontal distance between timesteps, px
ROW = 46          # vertical distance between x, h and y rows, px
PAD = 8
COLOURS = {"x": OKABE_ITO["vermillion"], "h": OKABE_ITO["green"], "y": OKABE_ITO["blue"]}
ARROW = "#555555"


def _box(cx: float, cy: float, kind: str) -> str:
    x, y = cx - BOX / 2, cy - BOX / 2
    return (
        f'<rect x="{x:g}" y="{y:g}" width="{BOX}" height="{BOX}" rx="4" '
        f'fill="{COLOURS[kind]}" fill-opacity="0.18" stroke="{COLOURS[kind]}" stroke-width="2"/>'
        f'<text x="{cx:g}" y="{cy + 5:g}" text-anchor="middle" font-size="14" '
        f'font-family="sans-serif" font-style="italic" fill="#222">{kind}</text>'
    )


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" stroke="{ARROW}" '
        f'stroke-width="1.6" marker-end="url(#arrowhead)"/>'
    )


def describe_topology(topology) -> str:
    """A text alternative for the diagram: which steps take an input and give an output.

    ``topology``: anything with a ``name``, ``steps`` and the ``inputs`` and ``outputs`` columns
    (the home page's ``playground.gallery.Topology``; this module sits below it and imports none).
    """
    n = topology.steps
    return (
        f"{topology.name}: {n} timestep{'s' if n > 1 else ''}, "
        f"{len(topology.inputs)} input{'s' if len(topology.inputs) > 1 else ''}, "
        f"{len(topology.outputs)} output{'s' if len(topology.outputs) > 1 else ''}"
    )


def make_topology_svg(topology) -> str:
    """Return a self-contained SVG string of ``topology`` (x boxes, chained h cells, y boxes)."""
    width = 2 * PAD + BOX + COL * (topology.steps - 1)
    height = 2 * PAD + BOX + 2 * ROW
    y_row, h_row, x_row = PAD + BOX / 2, PAD + BOX / 2 + ROW, PAD + BOX / 2 + 2 * ROW
    half = BOX / 2
    parts = []
    for t in range(topology.steps):
        cx = PAD + half + COL * t
        parts.append(_box(cx, h_row, "h"))
        if t in topology.inputs:
            parts.append(_box(cx, x_row, "x"))
            parts.append(_arrow(cx, x_row - half, cx, h_row + half + 2))
        if t in topology.outputs:
            parts.append(_box(cx, y_row, "y"))
            parts.append(_arrow(cx, h_row - half, cx, y_row + half + 2))
        if t + 1 < topology.steps:
            parts.append(_arrow(cx + half, h_row, cx + COL - half - 2, h_row))
    label = escape(describe_topology(topology))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}">'
        f"<title>{label}</title>"
        '<defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        f'<path d="M 0 0 L 10 5 L 0 10 z" fill="{ARROW}"/></marker></defs>'
        + "".join(parts)
        + "</svg>"
    )
