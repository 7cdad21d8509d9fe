"""Gradients through time, measured: vanishing, exploding, clipping (no Streamlit).

A fresh (untrained) network reads random inputs and is scored on its last output
only, L = mean (y_T − target)², so every gradient that reaches an earlier h_t has
travelled back through the recurrence. For each t we measure

- ||dL/dh_t||: the loss gradient, summed over the batch (as the probe does), and
- ||dh_T/dh_t||_F: the Jacobian product of sequence 0, H backward passes in one
  (H copies of the sequence, objective sum_k h_T[copy k, unit k]).

The linear theory: for h_t = W h_{t−1} + ..., dh_T/dh_t = W^(T−t). With the lab's
default matrix W = ρ·Q (Q a random orthogonal matrix) every singular value of W^k is
ρ^k, so ||dh_T/dh_t||_F = ρ^(T−t)·sqrt(H) and ||dL/dh_t|| = ρ^(T−t)·||dL/dh_T||
exactly. A Gaussian matrix scaled to spectral radius ρ (the app's init="spectral")
is not normal: its powers follow ρ^k only asymptotically. Everything runs in float64.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import torch

from models.architectures import MATRIX_ARCHS, STEP_ACTIVATIONS, VANILLA_ARCH, architecture
from models.init import reset_parameters, spectral_radius
from models.network import SequenceNet
from playground.config import RunConfig
from playground.errors import DivergenceError
from playground.engine.trainer import Trainer
from playground.lessons.expectation import ClaimRow

ACTIVATIONS = STEP_ACTIVATIONS      # "linear" too: the replay-only identity, where the theory is exact
MATRICES = {"orthogonal": "ρ·Q, Q random orthogonal (theory exact)",
            "gaussian": "Gaussian scaled to spectral radius ρ (the app's init=spectral)"}
MATRIX_LABELS = {"orthogonal": "ρ·Q (orthogonal)", "gaussian": "Gaussian at radius ρ"}


@dataclass(frozen=True)
class LabSetup:
    """One measurement: architecture, size, length, ρ, activation, matrix kind, seed.

    gate_bias is added to the LSTM forget gate's (GRU update gate's) bias: large values
    hold the gate near 1, the setting that lets gated cells carry gradients far.
    """

    arch: str = VANILLA_ARCH      # a name of models.architectures.ARCHITECTURES
    hidden: int = 32              # H
    seq_len: int = 50             # T
    rho: float = 1.0              # spectral radius of (each gate block of) W_hh
    activation: str = "tanh"      # vanilla RNN only: tanh | relu | linear
    matrix: str = "orthogonal"    # orthogonal | gaussian
    gate_bias: float = 0.0        # extra bias on the memory gate (LSTM f / GRU z)
    batch: int = 8                # sequences averaged in ||dL/dh_t||
    seed: int = 0


@dataclass
class GradientCurve:
    """Measured norms against t = 1..T and the linear theory scaled to meet them at t = T."""

    arch: str
    grad_norm: np.ndarray          # (T,) ||dL/dh_t||
    jacobian_norm: np.ndarray      # (T,) ||dh_T/dh_t||_F, sequence 0
    theory_grad: np.ndarray        # (T,) ||dL/dh_T||·ρ^(T−t)
    theory_jacobian: np.ndarray    # (T,) ||dh_T/dh_T||·ρ^(T−t) = sqrt(H)·ρ^(T−t)
    spectral_radius: float
    loss: float

    def ratio(self, which: str = "grad") -> float:
        """First-step over last-step norm: < 1 vanishes, > 1 explodes."""
        g = self.grad_norm if which == "grad" else self.jacobian_norm
        return float(g[0] / g[-1]) if g[-1] > 0 else float("nan")


def recurrent_matrix(H: int, rho: float, kind: str, generator: torch.Generator) -> torch.Tensor:
    """An (H, H) float64 matrix of spectral radius ρ: ρ·Q (orthogonal) or a rescaled Gaussian."""
    A = torch.randn(H, H, generator=generator, dtype=torch.float64)
    if kind == "orthogonal":
        Q, R = torch.linalg.qr(A)
        return rho * Q * torch.sign(torch.diagonal(R))         # sign fix: Haar-distributed Q
    if kind == "gaussian":
        return A * (rho / spectral_radius(A))
    raise ValueError(f"unknown matrix kind '{kind}'; choose one of {', '.join(MATRICES)}")


def make_lab_net(setup: LabSetup) -> SequenceNet:
    """A float64 SequenceNet (1 input, 1 output) with every gate block of W_hh drawn at radius ρ.

    For activation "linear" the fused kernel has no such mode: the net is built as tanh and
    switched to identity for the replay (the only path the lab uses).
    """
    if setup.activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}")
    fused_act = "relu" if setup.activation == "relu" else "tanh"
    gen = torch.Generator().manual_seed(setup.seed)
    net = SequenceNet(setup.arch, 1, setup.hidden, 1, 1, activation=fused_act)
    reset_parameters(net, gen)
    net = net.double()
    H = setup.hidden
    with torch.no_grad():
        W_hh = net.rnn.weight_hh_l0                               # (G*H, H)
        for block in W_hh.split(H, dim=0):
            block.copy_(recurrent_matrix(H, setup.rho, setup.matrix, gen))
        row = architecture(setup.arch)
        if row.memory_gate is not None and setup.gate_bias:
            k = row.blocks.index(row.memory_gate)
            net.rnn.bias_hh_l0[k * H:(k + 1) * H] += setup.gate_bias
    net.activation = setup.activation
    return net


def lab_inputs(setup: LabSetup) -> tuple[torch.Tensor, torch.Tensor]:
    """Random inputs x (B, T, 1) ~ N(0, 1) and targets (B, 1), seeded apart from the weights."""
    gen = torch.Generator().manual_seed(setup.seed + 1)
    x = torch.randn(setup.batch, setup.seq_len, 1, generator=gen, dtype=torch.float64)
    target = torch.randn(setup.batch, 1, generator=gen, dtype=torch.float64)
    return x, target


def measure(net: SequenceNet, x: torch.Tensor, target: torch.Tensor) -> tuple[np.ndarray, np.ndarray, float]:
    """(||dL/dh_t|| (T,), ||dh_T/dh_t||_F of sequence 0 (T,), loss) through the replay path."""
    B, H = x.shape[0], net.hidden
    xx = torch.cat([x, x[:1].expand(H, *x.shape[1:])])             # probe rows + H Jacobian copies
    replay = net.replay(xx)
    hs = replay.h[-1]                                               # T x (B+H, H)
    loss = ((replay.out[:B, -1] - target) ** 2).mean()
    objective = loss + hs[-1][B:].diagonal().sum()
    grads = torch.autograd.grad(objective, hs, allow_unused=True)
    g = torch.stack([gr if gr is not None else torch.zeros_like(h) for gr, h in zip(grads, hs)])
    grad_norm = g[:, :B].flatten(1).norm(dim=1)                    # (T,)
    jac_norm = g[:, B:].flatten(1).norm(dim=1)                      # (T,)
    return grad_norm.detach().numpy(), jac_norm.detach().numpy(), loss.item()


def theory_line(rho: float, T: int, anchor: float) -> np.ndarray:
    """anchor·ρ^(T−t) for t = 1..T: the linear theory, meeting the measurement at t = T."""
    t = np.arange(1, T + 1)
    with np.errstate(over="ignore", under="ignore"):
        return anchor * np.power(float(rho), (T - t).astype(float))


def gradient_curve(setup: LabSetup) -> GradientCurve:
    """Build the lab net for ``setup`` and measure its gradients through time."""
    net = make_lab_net(setup)
    x, target = lab_inputs(setup)
    grad, jac, loss = measure(net, x, target)
    T = setup.seq_len
    return GradientCurve(setup.arch, grad, jac, theory_line(setup.rho, T, float(grad[-1])),
                         theory_line(setup.rho, T, float(jac[-1])),
                         spectral_radius(net.rnn.weight_hh_l0[:setup.hidden]), loss)


def gradient_curves(setup: LabSetup, archs=MATRIX_ARCHS) -> dict[str, GradientCurve]:
    """The same measurement for each architecture with a recurrent matrix W_hh (the lab sets its ρ),
    at the same size, ρ and inputs."""
    return {arch: gradient_curve(replace(setup, arch=arch)) for arch in archs}


def describe_gate_bias(gate_bias: float, T: int) -> str:
    """One sentence: what a memory gate held at its initial mean σ(b) keeps of the gradient over T − 1 steps.

    An upper bound on the additive path alone (the gates vary around σ(b), and the other paths add to
    the product), not a measurement: the curves are the measurement.
    """
    keep = 1.0 / (1.0 + math.exp(-gate_bias))
    return (f"Memory-gate bias {gate_bias:g}: the gate starts near σ({gate_bias:g}) = {keep:.3f}, so its "
            f"path keeps about σ({gate_bias:g})^{T - 1} = {keep ** (T - 1):.2g} over {T - 1} steps.")


def describe_curve(curve: GradientCurve, T: int) -> str:
    """One sentence: how much ||dL/dh_t|| and ||dh_T/dh_t|| change from t = T back to t = 1."""
    def word(r: float) -> str:
        if not math.isfinite(r):
            return "is not finite"
        return "vanishes" if r < 0.1 else "explodes" if r > 10 else "stays within a factor of 10"
    rg, rj = curve.ratio("grad"), curve.ratio("jacobian")
    return (f"Over {T - 1} steps back, ‖dL/dh_t‖ {word(rg)} (t=1 over t=T: {rg:.3g}) and "
            f"‖dh_T/dh_t‖ {word(rj)} ({rj:.3g}).")


# --- gradient clipping on a run that explodes ---------------------------------------------

@dataclass
class ClipRun:
    """Per-step gradient norm (before clipping) and loss of one training run."""

    label: str
    clip: float
    steps: list[int] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    diverged_at: int | None = None
    message: str = ""


@dataclass(frozen=True)
class ClipSetup:
    """The exploding run: a vanilla RNN with W_hh at radius ρ, trained with plain SGD."""

    steps: int = 200
    radius: float = 1.5
    activation: str = "tanh"
    clip: float = 1.0
    seq_len: int = 50
    hidden: int = 32
    lr: float = 0.05
    task: str = "adding"
    seed: int = 0

    def config(self, clip: float) -> RunConfig:
        """The run settings of one of the two runs (clipping ``clip``, 0 = off)."""
        return RunConfig(arch=VANILLA_ARCH, task=self.task, seq_len=self.seq_len, hidden=self.hidden,
                         activation=self.activation, init="spectral", radius=self.radius,
                         optimizer="sgd", lr=self.lr, clip=clip, seed=self.seed)


# What pages/text/gradients_clipping.md says the section's default runs show (checked by the claims tests).
CLIPPING_CLAIMS = (
    ClaimRow("diverges by step 200", {"clip": 0.0}),          # the section's seed, 0: not every seed does
    ClaimRow("val > 0.8 x baseline at step 200 over seeds 0, 1, 2"),
)


def train_with_clip(setup: ClipSetup, clip: float) -> ClipRun:
    """Train ``setup`` with clipping ``clip`` (0 = off); stop at the first divergence."""
    torch.set_num_threads(1)
    trainer = Trainer(setup.config(clip), val_every=10 ** 9)
    run = ClipRun("with clipping" if clip > 0 else "no clipping", clip)
    for _ in range(setup.steps):
        try:
            row = trainer.step()
        except DivergenceError as err:
            run.diverged_at, run.message = trainer.step_count + 1, str(err)
            break
        run.steps.append(row["step"])
        run.grad_norm.append(row["grad_norm"])
        run.loss.append(row["loss"])
    return run


def clipping_experiment(setup: ClipSetup) -> list[ClipRun]:
    """The same exploding run without and with clipping (same seed, data and weights)."""
    return [train_with_clip(setup, 0.0), train_with_clip(setup, setup.clip)]
