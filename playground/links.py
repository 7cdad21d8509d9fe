"""Every URL flag and named link of the app, in one place.

A page's settings are in its field table (``playground.config.FIELDS`` for the run settings,
``playground.page_state.PAGE_TABLES`` for the teaching pages); every other name a URL may
carry is here, with what it does, and so are the links more than one page offers (a named
preset). Readers import the name; none types it. No streamlit here, and no import of the
rest of the app: every layer may read its links.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# Pages that train: "1" starts training once, on load (the Train, Compare and Sweep pages).
AUTOSTART_FLAG = "autostart"
AUTOSTART = {AUTOSTART_FLAG: "1"}

# Presenter mode, on every page (read by ``playground.presenter``).
PRESENT = "present"            # "1": big text and charts for a projector
HIDE = "hide"                  # controls to hide, comma-separated (a run setting, or a section)
PRESENTER_FLAGS = (PRESENT, HIDE)

DECK_PARAM = "deck"            # /talk: the shipped deck played
STEP_PARAM = "step"            # /talk: the step shown, counted from 1
PRESET_PARAM = "preset"        # /sweep: the preset grid

# /cell on the session's trained model: ``source=model`` and the unit shown (the fields of
# ``playground.lessons.unit_trace.UnitRef``; t counted from 1).
SOURCE_PARAM = "source"
UNIT_PARAMS = ("seq", "layer", "t", "unit")

FLAGS = (AUTOSTART_FLAG, *PRESENTER_FLAGS, DECK_PARAM, STEP_PARAM, PRESET_PARAM, SOURCE_PARAM, *UNIT_PARAMS)


@dataclass(frozen=True)
class Preset:
    """A named link: the page it opens and the query that sets it up.

    ``title`` says in words what the link trains (pages put it in the link's label).
    """

    page: str
    params: Mapping[str, str] = field(default_factory=dict)
    title: str = ""

    def query(self, autostart: bool = False) -> dict[str, str]:
        """The link's query parameters, with the autostart flag when ``autostart``."""
        return {**self.params, **(AUTOSTART if autostart else {})}


# The character model the teaching pages send a reader to train on the Train page.
CHAR_MODEL = Preset("train", {"arch": "lstm", "task": "charlm", "hidden": "128", "lr": "0.005"},
                    title="an LSTM (H = 128)")


def unit_link(seq: int, layer: int, t: int, unit: int) -> dict[str, str]:
    """The /cell query that opens one unit of the session's trained model (``t`` counted from 1)."""
    return {SOURCE_PARAM: "model", **{name: str(value) for name, value in zip(UNIT_PARAMS, (seq, layer, t, unit))}}
