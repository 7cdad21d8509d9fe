"""The home page's content as plain data: ready-made experiments and the five topologies.

Each entry names the page it opens and the query parameters that reproduce it (the
keys of that page's field table: ``playground.config.FIELDS`` for the train and compare
pages, ``playground.page_state.PAGE_TABLES`` for the others; flags and named links from
``playground.links``), so one click on the home page opens exactly the state described.
It sits above the lessons and the links it reads. No streamlit here; the page draws these
entries and a test checks every parameter against the config table.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from playground.lessons.expectation import ClaimRow
from playground.links import AUTOSTART, CHAR_MODEL, PRESET_PARAM


@dataclass(frozen=True)
class Experiment:
    """A one-click experiment: ``page`` is a page file stem under ``pages/``.

    ``claims``: what the blurb says training will show, as lines the claims tests check
    (``playground.lessons.expectation``), each about the card's run settings plus its own.
    A sweep card's claims live on its preset (``playground.sweeps.presets.PRESETS``).
    ``cites``: the paper(s) a classic experiment reproduces (empty for the others).
    """

    title: str
    blurb: str
    page: str
    params: dict[str, str] = field(default_factory=dict)
    claims: tuple[ClaimRow, ...] = ()
    cites: str = ""

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
        "Same task, same seed, side by side (the GRU too). By step 1,500 the vanilla RNN is still near the "
        "predict-1 baseline (MSE 0.167); the LSTM's error is below a tenth of it: it has learned to add.",
        "compare",
        {"task": "adding", "seq_len": "50", **AUTOSTART},
        (ClaimRow("val > 0.6 x baseline until step 1500 over seeds 0, 1, 2", {"arch": "rnn"}),
         ClaimRow("val < 0.1 x baseline at step 1500 over seeds 0, 1, 2", {"arch": "lstm"})),
    ),
    Experiment(
        "Watch an LSTM learn to count",
        "It learns to output how many 1s it has read so far: within 300 steps its error falls below a fifth "
        "of the baseline. Look in the cell state for a unit that ramps up with each 1.",
        "train",
        {"arch": "lstm", "task": "counting", **AUTOSTART},
        (ClaimRow("val < 0.2 x baseline by step 300 over seeds 0, 1"),),
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
        "IRNN: ReLU with W_hh = I remembers 100 steps",
        "Le et al. (2015): a vanilla ReLU RNN whose W_hh starts at the identity, against tanh and ReLU at "
        "PyTorch's default init, on the adding problem at T = 100, three seeds each. Within 1,000 steps the "
        "IRNN's error falls below a third of the baseline (how soon depends on the seed); tanh stays at the "
        "baseline through step 1,000, and ReLU at the default init is still there at step 500.",
        "sweep",
        {PRESET_PARAM: "irnn", **AUTOSTART},
        cites="Le et al. 2015",
    ),
    Experiment(
        "Forget-gate bias 1 against 0",
        "Gers et al. (2000) and Jozefowicz et al. (2015) start the LSTM's forget gate open with a bias of 1. "
        "An LSTM on the adding problem at T = 100, three seeds per bias: here, with Adam, both settings solve "
        "it within 2,000 steps; compare how many steps each takes.",
        "sweep",
        {PRESET_PARAM: "forget_bias", **AUTOSTART},
        cites="Gers et al. 2000; Jozefowicz et al. 2015",
    ),
    Experiment(
        "Spectral radius at init: vanishing or exploding",
        "Pascanu et al. (2013): a vanilla RNN trained with plain SGD from W_hh at spectral radius 0.25 to 3, "
        "with and without clipping. Without clipping the run at ρ = 1.5 diverges within 100 steps, while "
        "ρ = 0.25 trains (this task needs only a short memory); clipped at norm 1, ρ = 1.5 trains too, and "
        "ρ = 3 stays near the baseline.",
        "sweep",
        {PRESET_PARAM: "radius", **AUTOSTART},
        cites="Pascanu et al. 2013",
    ),
    Experiment(
        "Clipping rescues a run",
        "A vanilla RNN at spectral radius 1.5 with plain SGD: unclipped, its gradient explodes and the run "
        "diverges within 100 steps; clipped at norm 1 (Pascanu et al. 2013), the same run trains to under "
        "a third of the baseline within 300 steps.",
        "sweep",
        {PRESET_PARAM: "clipping", **AUTOSTART},
        cites="Pascanu et al. 2013",
    ),
    Experiment(
        "Char-level language model on real text",
        "An LSTM reads Python's documentation one character at a time. Within 100 steps its bits per "
        "character fall below nine tenths of the letter-frequency baseline; watch its samples change as they do.",
        "train",
        CHAR_MODEL.query(autostart=True),
        (ClaimRow("val < 0.9 x baseline by step 100 over seeds 0, 1"),),
    ),
    Experiment(
        "GRU remembers: copy with a lag of 20",
        "Recall what was seen 20 steps ago: within 1,500 steps the GRU's accuracy is over twice the "
        "baseline's (guessing the most frequent symbol). "
        "Watch its update gate z in the gates view.",
        "train",
        {"arch": "gru", "task": "copy", "lag": "20", "seq_len": "40", **AUTOSTART},
        (ClaimRow("val > 2 x baseline by step 1500 over seeds 0, 1"),),
    ),
    Experiment(
        "How far back can it remember? A sweep",
        "RNN vs GRU vs LSTM on the adding problem for T from 10 to 100, three seeds each, 2,000 steps per "
        "run: the fraction of seeds that solve it and the steps they took, at each T. At T = 100 the vanilla "
        "RNN is still at the baseline; the LSTM solves it.",
        "sweep",
        {PRESET_PARAM: "memory", **AUTOSTART},
        cites="Bengio et al. 1994; Hochreiter & Schmidhuber 1997",
    ),
    Experiment(
        "minGRU and minLSTM: gates that read x_t alone",
        "Feng et al. (2024) drop h_(t-1) from the GRU's and the LSTM's gates, so a parallel scan trains them. "
        "Two layers of 16 units on the adding problem at T = 30: by step 300 the minGRU's error is below a "
        "tenth of the baseline (switch to minLSTM: the same), while an LSTM of the same size is still near it.",
        "train",
        {"arch": "mingru", "task": "adding", "seq_len": "30", "hidden": "16", "layers": "2", "lr": "0.02", **AUTOSTART},
        (ClaimRow("val < 0.1 x baseline at step 300 over seeds 0, 1, 2"),
         ClaimRow("val < 0.1 x baseline at step 300 over seeds 0, 1, 2", {"arch": "minlstm"}),
         ClaimRow("val > 0.6 x baseline at step 300 over seeds 0, 1, 2", {"arch": "lstm"})),
    ),
    Experiment(
        "The LRU's eigenvalues move towards the unit circle",
        "Orvieto et al. (2023): a linear recurrence on a complex diagonal λ. Copying a symbol 30 steps back, its "
        "largest |λ| grows from under 0.96 to above 0.98 within 600 steps (a memory of 50 steps or more) and its "
        "accuracy passes four times the baseline's. Watch the dots approach the circle in the eigenvalue view.",
        "train",
        {"arch": "lru", "task": "copy", "seq_len": "60", "lag": "30", "hidden": "32", "layers": "1", "lr": "0.01",
         **AUTOSTART},
        (ClaimRow("radius < 0.96 at step 1 over seeds 0, 1, 2"), ClaimRow("radius > 0.98 at step 600 over seeds 0, 1, 2"),
         ClaimRow("val > 4 x baseline at step 600 over seeds 0, 1, 2")),
    ),
    Experiment(
        "S6 (Mamba) selects what to write",
        "Gu and Dao (2023): S6's step size Δ_t reads the input, so one layer can write the adding problem's "
        "two marked numbers and skip the rest: below 0.4 times the baseline within 600 steps. One LRU layer, "
        "whose step is the same at every input, is still above 0.7 times the baseline then.",
        "train",
        {"arch": "s6", "task": "adding", "seq_len": "30", "hidden": "16", "layers": "1", "lr": "0.02", **AUTOSTART},
        (ClaimRow("val < 0.4 x baseline at step 600 over seeds 0, 1, 2"),
         ClaimRow("val > 0.7 x baseline at step 600 over seeds 0, 1, 2", {"arch": "lru"})),
    ),
    Experiment(
        "Forecast Seattle's temperature",
        "A GRU forecasts Seattle's next-hour temperature (NOAA, 2010) from the hours before; within 300 steps "
        "its error is below half the baseline's.",
        "train",
        {"arch": "gru", "task": "temperature", **AUTOSTART},
        (ClaimRow("val < 0.5 x baseline by step 300 over seeds 0, 1"),),
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
        "One input, then a sequence of outputs: the hidden state carries the input from step to step "
        "(the outputs are not fed back in as inputs).",
        "Generate a sine wave from a code for its frequency",
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
