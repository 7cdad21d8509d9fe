"""Classroom / presenter mode: the URL flags ``present`` and ``hide`` (``playground.links``), read leniently.

    ?present=1                     big text and charts for a projector
    ?present=1&hide=lr,clip,more   ... and the learning rate, clipping and "More settings" hidden
    ?hide=sidebar                  no sidebar at all (the teacher drives the settings by link)

Hostile or unknown values are ignored, each with a note that never echoes arbitrary text
back (a name is quoted only when it is a plain identifier). No streamlit here: the frame
applies the result, ``scale_figure`` enlarges a plotly figure's fonts.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Mapping

import plotly.graph_objects as go

from playground.config import FIELDS
from playground.links import HIDE, PRESENT
FONT_SCALE = 1.5                 # text and chart fonts in presenter mode (ticks 12 px -> 18 px)
HEIGHT_SCALE = 1.25              # chart heights in presenter mode
COMPACT_FONT_SCALE = 1.3         # a talk step: notes beside the view, so its charts are narrower ...
COMPACT_CHART_HEIGHT = 400       # ... and at most this tall (the step fits a 1280x720 screen)
SECTIONS = ("more", "sidebar", "controls")   # "more": the More settings box; "controls": every setting
HIDEABLE = tuple(FIELDS) + SECTIONS
MAX_HIDE_CHARS = 300
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
_NAME = re.compile(r"^[a-z_]{1,20}$")
DEFAULT_HEIGHT = 450             # plotly.js's height of a figure that names none


@dataclass(frozen=True)
class Presenter:
    """What the URL asked for: presenter mode on/off and the controls to hide.

    ``compact`` is the talk's layout (never read from a URL): the view shares the screen with
    the step's notes, so charts are a little smaller and capped in height.
    """

    active: bool = False
    hide: frozenset[str] = frozenset()
    compact: bool = False

    @property
    def font_scale(self) -> float:
        """Factor for text and chart fonts (1 outside presenter mode)."""
        if not self.active:
            return 1.0
        return COMPACT_FONT_SCALE if self.compact else FONT_SCALE

    @property
    def max_chart_height(self) -> int | None:
        """The tallest a chart may be in pixels (None: no cap)."""
        return COMPACT_CHART_HEIGHT if self.active and self.compact else None

    def hides(self, name: str) -> bool:
        """True when control ``name`` (a RunConfig field or a section) is hidden."""
        if name in self.hide or "controls" in self.hide:
            return True
        return name in FIELDS and "sidebar" in self.hide

    def to_query(self) -> dict[str, str]:
        """The flags as query parameters (empty when nothing is set), for a reproducible link."""
        query = {PRESENT: "1"} if self.active else {}
        if self.hide:
            query[HIDE] = ",".join(sorted(self.hide, key=HIDEABLE.index))
        return query


def _last(raw: Any) -> str:
    if isinstance(raw, (list, tuple)):
        raw = raw[-1] if raw else ""
    return str(raw)


def _shown(value: str) -> str:
    return f"'{value}'" if _NAME.match(value) else "an unreadable value"


def parse_presenter(params: Mapping[str, Any]) -> tuple[Presenter, list[str]]:
    """Read ``present`` and ``hide`` from query parameters; return the flags and notes on bad values."""
    notes: list[str] = []
    active = False
    if PRESENT in params:
        value = _last(params[PRESENT]).strip().lower()
        if value in TRUE:
            active = True
        elif value not in FALSE:
            notes.append(f"Ignored URL parameter present: {_shown(value)} is not 1 or 0.")
    hide: set[str] = set()
    if HIDE in params:
        raw = _last(params[HIDE])
        if len(raw) > MAX_HIDE_CHARS:
            notes.append(f"Ignored URL parameter hide: longer than {MAX_HIDE_CHARS} characters.")
            raw = ""
        unknown = []
        for name in (part.strip().lower() for part in raw.split(",")):
            if name in HIDEABLE:
                hide.add(name)
            elif name:
                unknown.append(name)
        if unknown:                              # one note however many names a link lists
            named = [_shown(n) for n in unknown[:3]] + (["…"] if len(unknown) > 3 else [])
            notes.append(f"Ignored {len(unknown)} name{'s' if len(unknown) > 1 else ''} in URL parameter hide "
                         f"that {'are' if len(unknown) > 1 else 'is'} not a control ({', '.join(named)}); "
                         f"choose from {', '.join(HIDEABLE)}.")
    return Presenter(active, frozenset(hide)), notes


# What the charts' theme writes (plotly.js's and the live chart's stand-in for Streamlit's theme
# set these sizes explicitly, so a bigger ``layout.font`` alone leaves ticks, legends and hover small).
THEME_SIZES = {"tick": 12, "axis_title": 14, "legend": 12, "hover": 12, "title": 16, "annotation": 12}


def presenter_sizes(font_scale: float = FONT_SCALE) -> dict[str, int]:
    """Font sizes in pixels of every kind of chart text, ``font_scale`` times the theme's."""
    return {kind: round(size * font_scale) for kind, size in THEME_SIZES.items()}


def _grow(target: dict, path: tuple[str, ...], size: int) -> None:
    """Set ``target[path[0]][path[1]]…`` to ``size``, creating the dicts on the way."""
    for key in path[:-1]:
        target = target.setdefault(key, {})
        if not isinstance(target, dict):
            return
    target[path[-1]] = size


def _axis(axis: dict, size: dict[str, int]) -> None:
    _grow(axis, ("tickfont", "size"), size["tick"])
    if not isinstance(axis.get("title"), dict):
        axis["title"] = {"text": axis["title"]} if isinstance(axis.get("title"), str) else {}
    _grow(axis, ("title", "font", "size"), size["axis_title"])


def _grow_margins(layout: dict, font_scale: float) -> None:
    """Margins that hold text (title on top, tick labels and axis titles left and below) grow with it."""
    margin = layout.get("margin")
    if not isinstance(margin, dict):
        return
    layout["margin"] = dict(margin, **{side: round(margin[side] * font_scale) for side in ("t", "l", "b")
                                       if isinstance(margin.get(side), (int, float))})


def _has_colorbar(trace: dict) -> bool:
    return "colorbar" in trace or trace.get("type") in ("heatmap", "contour", "surface", "histogram2d")


def _text_copied(trace: dict) -> dict:
    """A copy of ``trace`` whose colour bars (which get bigger text) are copies too; its arrays are shared."""
    trace = dict(trace)
    if isinstance(trace.get("colorbar"), dict):
        trace["colorbar"] = copy.deepcopy(trace["colorbar"])
    marker = trace.get("marker")
    if isinstance(marker, dict) and isinstance(marker.get("colorbar"), dict):
        trace["marker"] = dict(marker, colorbar=copy.deepcopy(marker["colorbar"]))
    return trace


def scale_figure(fig: go.Figure, font_scale: float = FONT_SCALE, height_scale: float = HEIGHT_SCALE,
                 max_height: int | None = None) -> go.Figure:
    """The figure with every text and its height enlarged: the one presenter layout of all charts.

    Title, axis titles and tick labels (2-D and 3-D axes), legend, hover labels, annotations and
    colour-bar ticks all get an explicit size (``presenter_sizes``), so no theme default is left
    small; the margins grow with the text, so titles and tick labels keep their room. The
    height grows by ``height_scale``, to at most ``max_height``. Works on the figure's plain
    dicts (the live figures are built without validation).
    """
    if font_scale == 1.0 and height_scale == 1.0 and max_height is None:
        return fig
    spec = fig.to_plotly_json()
    data, layout = scale_parts(spec.get("data") or [], spec.get("layout") or {}, font_scale, height_scale, max_height)
    return go.Figure(data=data, layout=layout, _validate=False)


def scale_parts(data: list[dict], layout: dict, font_scale: float = FONT_SCALE, height_scale: float = HEIGHT_SCALE,
                max_height: int | None = None) -> tuple[list[dict], dict]:
    """``scale_figure`` on a figure's trace and layout dicts (a live chart's, built without plotly); the
    dicts given are not changed, the nested ones it enlarges are copied."""
    size = presenter_sizes(font_scale)
    layout, data = copy.deepcopy(dict(layout)), [_text_copied(t) for t in data]
    _grow(layout, ("font", "size"), size["tick"])
    _grow(layout, ("legend", "font", "size"), size["legend"])
    _grow(layout, ("hoverlabel", "font", "size"), size["hover"])
    title = layout.get("title")
    if isinstance(title, str):
        layout["title"] = title = {"text": title}
    if isinstance(title, dict) and title.get("text"):
        _grow(layout, ("title", "font", "size"), size["title"])
    if any(t.get("type") in ("scatter3d", "surface", "mesh3d") for t in data):
        layout.setdefault("scene", {})
    for key, value in list(layout.items()):
        if key.startswith(("xaxis", "yaxis")) and isinstance(value, dict):
            _axis(value, size)
        elif key.startswith("scene") and isinstance(value, dict):
            for name in ("xaxis", "yaxis", "zaxis"):
                _axis(value.setdefault(name, {}), size)
    if not any(k.startswith("xaxis") for k in layout) and not any(k.startswith("scene") for k in layout):
        for name in ("xaxis", "yaxis"):
            _axis(layout.setdefault(name, {}), size)
    for note in layout.get("annotations") or []:
        font = note.setdefault("font", {})
        font["size"] = round((font.get("size") or THEME_SIZES["annotation"]) * font_scale)
    for trace in data:
        if _has_colorbar(trace):
            bar = trace.setdefault("colorbar", {})
            _axis(bar, size)
        marker = trace.get("marker")
        if isinstance(marker, dict) and "colorbar" in marker:
            _axis(marker["colorbar"], size)
    _grow_margins(layout, font_scale)
    if layout.get("height"):
        height = round(layout["height"] * height_scale)
        layout["height"] = min(height, max_height) if max_height else height
    elif max_height:                             # plotly.js's default would be taller than the cap
        layout["height"] = min(DEFAULT_HEIGHT, max_height)
    return data, layout
