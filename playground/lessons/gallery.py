"""The home page's content as plain data: ready-made experiments and the five topologies.

Each entry names the page it opens and the query parameters that reproduce it (the
keys of that page's field table: ``playground.config.FIELDS`` for the train and compare
pages, ``playground.page_state.PAGE_TABLES`` for the others), so one click on the home
page opens exactly the state described. No streamlit here; the page
draws these entries and a test checks every parameter against the config table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from playground.page_state import AUTOSTART, PRESET_PARAM   # flags that are not run settings


@dataclass(frozen=True)
class Experiment:
    """A one-click experiment: ``page`` is a page file stem under ``pages/``."""

    title: str
    blurb: str
    page: str
    params: dict[str, str] = field(default_factory=dict)

    def query_string(self) -> str:
        """The URL query string, e.g. ``arch=lstm&task=counting&autostart=1``."""
        return "&".join(f"{k}={v}" for k, v in self.params.items())


@dataclass(frozen=True)
class Topology:
    """One input/output shape of a recurrent net, drawn as x/h/y boxes over time.

    ``inputs`` and ``outputs`` are the columns (timesteps) that have an input or an
    output box; every column from 0 to ``steps - 1`` has a hidden box h, chained.
    """

    name: str
    explanation: str
    example: str
    task: str
    steps: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    params: dict[str, str] = field(default_factory=dict)
    page: str = "train"

    def query_string(self) -> str:
        """The URL query string of the linked run."""
        return "&".join(f"{k}={v}" for k, v in self.params.items())


GALLERY: tuple[Experiment, ...] = (
    Experiment(
        "Vanilla RNN vs LSTM on the adding problem, T=50",
        "Same task, same seed, side by side: the vanilla RNN stalls at the "
        "predict-1 baseline (MSE 0.167) while the LSTM learns to add.",
        "compare",
        {"task": "adding", "seq_len": "50", **AUTOSTART},
    ),
    Experiment(
        "Watch an LSTM learn to count",
        "One unit of the cell state becomes a counter: watch it ramp up step by step.",
        "train",
        {"arch": "lstm", "task": "counting", **AUTOSTART},
    ),
    Experiment(
        "Gradients vanish at spectral radius 0.9",
        "The recurrent matrix's spectral radius decides whether the gradient "
        r"$\lVert \partial L / \partial h_t \rVert$ fades or explodes as it flows back through time. "
        "Opens a linear RNN at ρ = 0.9, where the theory is exact; slide ρ to 1.1 to watch it explode.",
        "gradients",
        {"grad_act": "linear", "grad_rho": "0.9", "grad_T": "50"},
    ),
    Experiment(
        "Char-level language model on real text",
        "An LSTM reads Python's documentation one character at a time and starts to write like it.",
        "train",
        {"arch": "lstm", "task": "charlm", "hidden": "128", "seq_len": "50", "lr": "0.005", **AUTOSTART},
    ),
    Experiment(
        "GRU remembers: copy with a lag of 20",
        "Recall what was seen 20 steps ago: the update gate learns when to hold on.",
        "train",
        {"arch": "gru", "task": "copy", "lag": "20", "seq_len": "40", **AUTOSTART},
    ),
    Experiment(
        "How far back can it remember? A sweep",
        "RNN vs GRU vs LSTM on the adding problem for T from 10 to 200, three seeds each: 45 runs "
        "on Ray, then the fraction of seeds that solve it at each T.",
        "sweep",
        {PRESET_PARAM: "memory", **AUTOSTART},
    ),
    Experiment(
        "Forecast Seattle's temperature",
        "A GRU forecasts Seattle's next-hour temperature (NOAA, 2010) from the hours before.",
        "train",
        {"arch": "gru", "task": "temperature", **AUTOSTART},
    ),
)


TOPOLOGIES: tuple[Topology, ...] = (
    Topology(
        "one-to-one",
        "One input, one output, no recurrence: with T=1 an RNN is a feed-forward net.",
        "Adding problem with a single step",
        "adding", 1, (0,), (0,),
        {"task": "adding", "seq_len": "1", **AUTOSTART},
    ),
    Topology(
        "one-to-many",
        "One input, then a sequence of outputs, each step feeding the next.",
        "Generate a sine wave from its first value",
        "sinegen", 4, (0,), (0, 1, 2, 3),
        {"task": "sinegen", **AUTOSTART},
    ),
    Topology(
        "many-to-one",
        "Read a whole sequence, answer once at the end.",
        "Sentiment of a sentence",
        "sentiment", 4, (0, 1, 2, 3), (3,),
        {"task": "sentiment", **AUTOSTART},
    ),
    Topology(
        "many-to-many (synchronised)",
        "An output at every input step: label each step or predict the next one.",
        "Predict the next value of a sine wave",
        "sine", 4, (0, 1, 2, 3), (0, 1, 2, 3),
        {"task": "sine", **AUTOSTART},
    ),
    Topology(
        "many-to-many (encoder-decoder)",
        "Read the whole sequence first, then write another one.",
        "Reverse a sequence of digits",
        "reverse", 6, (0, 1, 2), (3, 4, 5),
        {"task": "reverse", **AUTOSTART},
    ),
)
