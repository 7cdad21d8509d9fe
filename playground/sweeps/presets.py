"""The sweep presets: ready-made grids the sweep page offers and the gallery's sweep cards open.

Each ``Preset`` names its grid (field -> comma-separated values, as typed on the sweep page), the
steps per trial, the field on the chart's x axis, and what its text says the sweep shows
(``claims``, each about one trial of the grid), which the claims tests train and check.
"""
from __future__ import annotations

from dataclasses import dataclass

from models.architectures import ARCH_NAMES, CLASSIC_ARCHS
from playground.lessons.expectation import ClaimRow
from playground.sweeps.grid import SweepSpec, spec_from_strings


@dataclass(frozen=True)
class Preset:
    """A ready-made sweep: its grid as field -> comma-separated values, and the steps per trial.

    ``x``: the field on the chart's x axis (the other varied fields but the seed make its lines).
    ``claims``: what its text says the sweep shows, each about one trial (``ClaimRow.settings``
    pick it from the grid), checked by the claims tests.
    """

    title: str
    values: dict[str, str]
    steps: int
    x: str = "seq_len"
    claims: tuple[ClaimRow, ...] = ()

    def spec(self) -> SweepSpec:
        """The checked SweepSpec."""
        return spec_from_strings(self.values, self.steps)


PRESETS: dict[str, Preset] = {
    # 36 trials of 2,000 steps: enough for a gated cell to leave the baseline at T = 100 (at 600 steps the
    # LSTM had not yet left it there), so the chart measures how far back each cell remembers rather than
    # how fast it learns. See docs/SWEEPS_AND_ROOMS.md for its time on two cores.
    "memory": Preset(
        "How far back can it remember? RNN vs GRU vs LSTM on the adding problem",
        {"arch": ",".join(CLASSIC_ARCHS), "task": "adding", "seq_len": "10,25,50,100", "hidden": "32", "lr": "0.01",
         "seed": "0,1,2"}, 2000, "seq_len",
        (ClaimRow("val > 0.6 x baseline until step 2000 over seeds 0, 1, 2", {"arch": "rnn", "seq_len": 100}),
         ClaimRow("val < 0.1 x baseline by step 2000 over seeds 0, 1, 2", {"arch": "lstm", "seq_len": 100}))),
    # Le et al. (2015): a ReLU RNN whose W_hh starts at the identity (IRNN) against tanh and ReLU at
    # PyTorch's default init, on the adding problem at T = 100; Adam with clipping at 1, as they clip.
    "irnn": Preset(
        "IRNN: ReLU with identity W_hh against tanh and ReLU at the default init, adding problem T = 100",
        {"arch": "rnn", "task": "adding", "seq_len": "100", "hidden": "32", "activation": "tanh,relu",
         "init": "default,identity", "lr": "0.001", "clip": "1", "seed": "0,1,2"}, 1000, "init",
        (ClaimRow("val < 0.3 x baseline by step 1000 over seeds 0, 1, 2", {"activation": "relu", "init": "identity"}),
         ClaimRow("val > 0.8 x baseline until step 1000 over seeds 0, 1, 2", {"activation": "tanh", "init": "default"}),
         ClaimRow("val > 0.8 x baseline at step 500 over seeds 0, 1, 2", {"activation": "relu", "init": "default"}))),
    # Gers et al. (2000), Jozefowicz et al. (2015): start the LSTM's forget gate open (bias 1) or at 0.
    "forget_bias": Preset(
        "Forget-gate bias 1 against 0: an LSTM on the adding problem, T = 100",
        {"arch": "lstm", "task": "adding", "seq_len": "100", "hidden": "32", "lr": "0.01", "gate_bias": "0,1",
         "seed": "0,1,2"}, 2000, "gate_bias",
        (ClaimRow("val < 0.1 x baseline by step 2000 over seeds 0, 1, 2", {"gate_bias": 0.0}),
         ClaimRow("val < 0.1 x baseline by step 2000 over seeds 0, 1, 2", {"gate_bias": 1.0}))),
    # Pascanu et al. (2013): the spectral radius of W_hh at init decides whether the gradient vanishes
    # (rho < 1) or explodes (rho > 1); trained with plain SGD, without and with clipping.
    "radius": Preset(
        "Spectral radius of W_hh at init, without and with clipping: a vanilla RNN forecasting a sum of sines",
        {"arch": "rnn", "task": "sine", "seq_len": "50", "hidden": "32", "init": "spectral",
         "radius": "0.25,0.5,1,1.5,2,3", "optimizer": "sgd", "lr": "0.3", "clip": "0,1", "seed": "0,1"}, 300, "radius",
        (ClaimRow("val < 0.4 x baseline at step 300 over seeds 0, 1", {"radius": 0.25, "clip": 0.0}),
         ClaimRow("diverges by step 100 over seeds 0, 1", {"radius": 1.5, "clip": 0.0}),
         ClaimRow("val < 0.3 x baseline at step 300 over seeds 0, 1", {"radius": 1.5, "clip": 1.0}),
         ClaimRow("val > 0.8 x baseline at step 300 over seeds 0, 1", {"radius": 3.0, "clip": 1.0}))),
    # Pascanu et al. (2013): clipping the gradient's norm rescues a run that explodes, and it then learns.
    "clipping": Preset(
        "Clipping rescues a run: a vanilla RNN at spectral radius 1.5, plain SGD, forecasting a sum of sines",
        {"arch": "rnn", "task": "sine", "seq_len": "50", "hidden": "32", "init": "spectral", "radius": "1.5",
         "optimizer": "sgd", "lr": "0.3", "clip": "0,1", "seed": "0,1,2"}, 300, "clip",
        (ClaimRow("diverges by step 100 over seeds 0, 1, 2", {"clip": 0.0}),
         ClaimRow("val < 0.3 x baseline at step 300 over seeds 0, 1, 2", {"clip": 1.0}))),
    # Every row of the architecture table, the three classic cells and the four modern recurrences (minGRU,
    # minLSTM, LRU, S6), on one grid: the preset grows with the table. It states no outcome of its own; the
    # "From LSTMs to Mamba" deck's claims are the checked ones.
    "every_cell": Preset(
        "Every cell on the adding problem: the classic three against minGRU, minLSTM, the LRU and S6",
        {"arch": ",".join(ARCH_NAMES), "task": "adding", "seq_len": "10,30,60", "hidden": "16", "layers": "2",
         "lr": "0.01", "seed": "0,1"}, 600, "seq_len"),
}
