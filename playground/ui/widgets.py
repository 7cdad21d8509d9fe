"""The helpers every page draws with: a chart, a live chart, a "How to read this" box, and a setting's widget.

``field_widget`` draws any setting from its row of a field table (``playground.config.FIELDS``
for the run settings, ``playground.page_state.PAGE_TABLES`` for the teaching pages): the row
gives the label, the kind of widget, the range or choices, the step and the help, so a page
never types them a second time. What only the page knows (the session's model bounds a slider,
a label names a count, a choice is shown by a display name) is passed in.
"""
from __future__ import annotations

from typing import Any, Callable

import streamlit as st

from playground.config import Field
from playground.ui.frame import presenter_figure
from playground.ui.live_chart import live_chart
from playground.ui.text import page_text

# The widget kinds a field's row may name, each with how it is drawn (``field_widget``).
CHOOSERS = ("segmented", "select", "radio", "select_slider")
NUMBERS = ("slider", "number")
TEXTS = ("text", "text_area")
SWITCHES = ("toggle", "checkbox")
WIDGETS = CHOOSERS + NUMBERS + TEXTS + SWITCHES


def explain(name: str) -> None:
    """A collapsed 'How to read this' box with the markdown of pages/text/<name>.md."""
    with st.expander("How to read this", expanded=False, icon=":material/help:"):
        st.markdown(page_text(name))


def chart(fig, key: str, alt: str) -> None:
    """A plotly chart with its text alternative (shown as a caption and given to screen readers)."""
    st.plotly_chart(presenter_figure(fig), key=key, width="stretch", alt=alt, config={"displaylogo": False})
    st.caption(alt)


def live(fig, key: str, alt: str, on_click=None) -> None:
    """A chart that stays mounted across redraws (``live_chart``), with its text alternative."""
    live_chart(presenter_figure(fig), key, alt=alt, on_click=on_click)
    st.caption(alt)


def field_widget(spec: Field, where=None, *, key: str | None = None, options: list | None = None,
                 limits: tuple[Any, Any] | None = None, format_func: Callable | None = None,
                 label_values: dict[str, Any] | None = None, **extra) -> Any:
    """Draw the setting ``spec`` as its row says, in ``where`` (a column, the sidebar; default: the page).

    ``key``: the widget's session-state key (default: the setting's name, as the teaching pages'
    links use). ``options`` replaces the row's choices, ``limits`` its (low, high), when the
    session decides them; ``label_values`` fill the row's ``{placeholders}`` in its label.
    ``extra`` goes to the Streamlit widget as it is (e.g. ``horizontal=False``, ``height=``).
    Returns the widget's value.
    """
    where = where if where is not None else st
    label = spec.label.format(**label_values) if label_values else spec.label
    common = {"key": key or spec.name, "help": spec.tooltip}
    if format_func is not None:
        common["format_func"] = format_func
    common.update(extra)
    kind = spec.widget
    if kind in CHOOSERS:
        choices = options if options is not None else spec.widget_options
        if kind == "segmented":
            return where.segmented_control(label, choices, **{"required": True, **common})
        if kind == "select":
            return where.selectbox(label, choices, **common)
        if kind == "radio":
            return where.radio(label, choices, **{"horizontal": True, **common})
        return where.select_slider(label, choices, **common)
    if kind in TEXTS:
        common.setdefault("max_chars", int(spec.high))
        if kind == "text":
            return where.text_input(label, **common)
        return where.text_area(label, **common)
    if kind in SWITCHES:
        return (where.toggle if kind == "toggle" else where.checkbox)(label, **common)
    low, high = limits if limits is not None else (spec.low, spec.high)
    numbers = {"step": spec.step, "format": spec.format, **common}
    if kind == "slider":
        return where.slider(label, low, high, **numbers)
    if kind == "number":
        return where.number_input(label, low, high, **numbers)
    raise ValueError(f"setting {spec.name} names no widget this page can draw (got {kind!r}); "
                     f"choose one of {', '.join(WIDGETS)}")
