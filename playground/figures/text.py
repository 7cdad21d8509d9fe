"""Text coloured character by character (Karpathy's cell views, Distill's connectivity), as HTML.

Pure functions returning an HTML string of <span>s; every character is escaped with
html.escape, so a text sample can never inject markup. Colours come from the house
palette: a blue–white–orange diverging scale for signed activations, white to
orange for magnitudes (both readable with black text and colour-blind safe).
"""
from __future__ import annotations

import html

import numpy as np

from playground.figures.style import OKABE_ITO

WHITE = "#F7F7F7"
MAGNITUDE = [[0.0, WHITE], [1.0, OKABE_ITO["orange"]]]
# The house diverging scale's ends mixed 40% with white, so black text stays readable on them.
TEXT_DIVERGING = [[0.0, "#66AAD1"], [0.5, WHITE], [1.0, "#E69E66"]]
VISIBLE = {"\n": "↵", "\t": "→"}


def _rgb(hex_colour: str) -> np.ndarray:
    h = hex_colour.lstrip("#")
    return np.array([int(h[k:k + 2], 16) for k in (0, 2, 4)], dtype=float)


def colour_at(scale: list, u: float) -> str:
    """The colour at position u in [0, 1] of a two- or three-stop scale, as #rrggbb."""
    u = float(np.clip(u, 0.0, 1.0))
    for (u0, c0), (u1, c1) in zip(scale, scale[1:]):
        if u <= u1:
            w = 0.0 if u1 == u0 else (u - u0) / (u1 - u0)
            rgb = (1 - w) * _rgb(c0) + w * _rgb(c1)
            return "#" + "".join(f"{int(round(v)):02x}" for v in rgb)
    return scale[-1][1]


def make_text_html(chars: list[str] | str, values: np.ndarray | None, signed: bool = True,
                   vmax: float | None = None, titles: list[str] | None = None,
                   highlight: int | None = None, line_height: float = 1.9) -> str:
    """Characters as <span>s with a background per value.

    signed: values in [−vmax, vmax] on the diverging scale (activations); otherwise
    [0, vmax] from white to orange (gradient magnitudes). titles: a hover text per
    character. highlight: index of a character drawn with an outline (the chosen output).
    Newlines are shown as ↵ and then break the line.
    """
    chars = list(chars)
    vals = np.zeros(len(chars)) if values is None else np.asarray(values, dtype=float)
    finite = vals[np.isfinite(vals)]
    top = vmax if vmax else (float(np.abs(finite).max()) if finite.size else 1.0) or 1.0
    parts = [f'<div style="font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 15px; '
             f'line-height: {line_height}; white-space: pre-wrap; overflow-wrap: anywhere;">']
    for k, ch in enumerate(chars):
        v = vals[k] if k < len(vals) and np.isfinite(vals[k]) else 0.0
        u = 0.5 + 0.5 * v / top if signed else v / top
        colour = colour_at(TEXT_DIVERGING if signed else MAGNITUDE, u)
        style = f"background:{colour}; color:#1A1A1A; padding:1px 0;"
        if highlight is not None and k == highlight:
            style += " outline:2px solid #000; outline-offset:1px; font-weight:bold;"
        title = f' title="{html.escape(titles[k], quote=True)}"' if titles and k < len(titles) else ""
        shown = html.escape(VISIBLE.get(ch, ch))
        parts.append(f'<span style="{style}"{title}>{shown}</span>' + ("<br>" if ch == "\n" else ""))
    parts.append("</div>")
    return "".join(parts)


def make_scale_html(signed: bool = True, vmax: float = 1.0, label: str = "",
                    ends: tuple[str, str] | None = None) -> str:
    """A small legend strip for the colour scale, with its end values (or the ``ends`` labels)."""
    stops = [colour_at(TEXT_DIVERGING if signed else MAGNITUDE, u) for u in np.linspace(0, 1, 11)]
    low = f"{-vmax:.2g}" if signed else "0"
    high = f"{vmax:.2g}"
    if ends:
        low, high = ends
    cells = "".join(f'<span style="display:inline-block;width:18px;height:12px;background:{c}"></span>'
                    for c in stops)
    return (f'<div style="font-size:13px;">{html.escape(label)} {html.escape(low)} {cells} '
            f'{html.escape(high)}</div>')
