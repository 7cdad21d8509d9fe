"""Classroom / presenter mode: the URL flags ``present`` and ``hide``, read leniently.

    ?present=1                     big text and charts for a projector
    ?present=1&hide=lr,clip,more   ... and the learning rate, clipping and "More settings" hidden
    ?hide=sidebar                  no sidebar at all (the teacher drives the settings by link)

Hostile or unknown values are ignored, each with a note that never echoes arbitrary text
back (a name is quoted only when it is a plain identifier). No streamlit here: the frame
applies the result, ``scale_figure`` enlarges a plotly figure's fonts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

import plotly.graph_objects as go

from playground.config import FIELDS

FONT_SCALE = 1.4                 # text and chart fonts in presenter mode
HEIGHT_SCALE = 1.25              # chart heights in presenter mode
SECTIONS = ("more", "sidebar", "controls")   # "more": the More settings box; "controls": every setting
HIDEABLE = tuple(FIELDS) + SECTIONS
MAX_HIDE_CHARS = 300
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
_NAME = re.compile(r"^[a-z_]{1,20}$")


@dataclass(frozen=True)
class Presenter:
    """What the URL asked for: presenter mode on/off and the controls to hide."""

    active: bool = False
    hide: frozenset[str] = frozenset()

    @property
    def font_scale(self) -> float:
        """Factor for text and chart fonts (1 outside presenter mode)."""
        return FONT_SCALE if self.active else 1.0

    def hides(self, name: str) -> bool:
        """True when control ``name`` (a RunConfig field or a section) is hidden."""
        if name in self.hide or "controls" in self.hide:
            return True
        return name in FIELDS and "sidebar" in self.hide

    def to_query(self) -> dict[str, str]:
        """The flags as query parameters (empty when nothing is set), for a reproducible link."""
        query = {"present": "1"} if self.active else {}
        if self.hide:
            query["hide"] = ",".join(sorted(self.hide, key=HIDEABLE.index))
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
    if "present" in params:
        value = _last(params["present"]).strip().lower()
        if value in TRUE:
            active = True
        elif value not in FALSE:
            notes.append(f"Ignored URL parameter present: {_shown(value)} is not 1 or 0.")
    hide: set[str] = set()
    if "hide" in params:
        raw = _last(params["hide"])
        if len(raw) > MAX_HIDE_CHARS:
            notes.append(f"Ignored URL parameter hide: longer than {MAX_HIDE_CHARS} characters.")
            raw = ""
        for name in (part.strip().lower() for part in raw.split(",")):
            if not name:
                continue
            if name in HIDEABLE:
                hide.add(name)
            else:
                notes.append(f"Ignored {_shown(name)} in URL parameter hide: not a control "
                             f"(choose from {', '.join(HIDEABLE)}).")
    return Presenter(active, frozenset(hide)), notes


def scale_figure(fig: go.Figure, font_scale: float = FONT_SCALE, height_scale: float = HEIGHT_SCALE) -> go.Figure:
    """Enlarge a figure's fonts (title, axes, legend, annotations) and height, in place."""
    if font_scale == 1.0 and height_scale == 1.0:
        return fig
    layout = fig.layout
    base = (layout.font.size or 13) if layout.font else 13
    fig.update_layout(font_size=round(base * font_scale))
    if layout.title and layout.title.text:
        fig.update_layout(title_font_size=round((layout.title.font.size or base + 2) * font_scale))
    if layout.height:
        fig.update_layout(height=round(layout.height * height_scale))
    fig.for_each_annotation(lambda a: a.update(font_size=round((a.font.size or base) * font_scale)))
    return fig
