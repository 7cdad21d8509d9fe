"""The probe: replay a fixed batch through the cells and record what happens inside.

One forward pass through the from-scratch cells (glass-box path, no autograd graph) and
one backward pass written out by hand (``models.bptt``: BPTT with the cells' derivative
formulas, checked against autograd in the tests) give, as numpy arrays:

- hidden states h_t (and LSTM cell states c_t) for every layer and timestep,
- every gate's activation,
- ||dL/dh_t|| for every t: the total derivative of the loss with respect to h_t,
  flowing back through all later steps (BPTT), not just the direct term,
- ||dh_T/dh_t||: the Frobenius norm of the Jacobian of the last hidden state with
  respect to each earlier one, for probe sequence 0,
- per-parameter gradient norms, gate saturation fractions (< 0.1 and > 0.9),
- the recurrent matrix's spectral radius, and a PCA projection of the trajectories.

For a row without a hand-written backward (a scan cell: ``backward`` is None in the
architecture table) ``models.autograd_bptt`` gives the same quantities from autograd on the
replay, with dL/ds_t taken at what each step reads back (the LRU's complex state x_t).

For the classic cells autograd only differentiates the head: the loss with respect to the last layer's
stacked h_t gives the direct terms dL/dh_t that BPTT starts from. The Jacobian rides
along in the same backward walk: H extra cotangent rows, stepped with sequence 0's gate
values, start as the identity at t = T (row k = unit k) and get no direct term, so at
step t they hold dh_T/dh_t while the probe rows hold dL/dh_t.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from models.autograd_bptt import autograd_bptt
from models.bptt import Gradients, bptt
from models.network import Intervention, SequenceNet
from models.networks import DEFAULT_NETWORK, network_of
from playground.engine.analysis import pca_project, saturation
from playground.engine.truncation import cut_points
from playground.tasks.base import Batch, Task



@dataclass
class Snapshot:
    """What the probe recorded at one training step (all numpy).

    inputs: the probe batch exactly as fed to the network, (B, T) ids or (B, T, I).
    hidden: (L, T, B, H) hidden states; cell: (L, T, B, H) LSTM cell states or None.
    gates: name -> (L, T, B, H). outputs: (B, T, O). grad_norm: (L, T) ||dL/dh_t||.
    jacobian_norm: (T,) ||dh_T/dh_t||_F of the last layer (a bidirectional network's last forward
    direction: ``NetworkShape.jacobian_row``), sequence 0.
    param_grad_norms: parameter name -> ||dL/dθ||. saturation: gate -> (H, 2) fractions
    of time below 0.1 and above 0.9 (last layer; for a vanilla RNN the tanh output,
    by |h|: near 0 = linear regime, near 1 = saturated). spectral_radius: per layer, NaN for a
    cell whose recurrence has no eigenvalues (``Architecture.has_spectral_radius``).
    eigenvalues: per layer, the recurrence's eigenvalues (complex) or None.
    pca: (T, B, 3) the trajectories of what the head reads (``top``) projected on their top principal
    components; pca_explained: (3,) fraction of variance each component explains. cuts: the timesteps t
    (1-based) whose incoming h_{t−1} the run detaches (truncated BPTT; empty for full BPTT):
    no gradient crosses them. network: the run's network shape (``models.networks``); layer_labels:
    the label of each row of the layer axis (a bidirectional network's layer 1 →, layer 1 ←, …);
    top_rows: the rows the head reads together. attention: (B, T_out, S) attention weights
    (output step × input step), or None for a network without attention.
    """

    step: int
    arch: str
    loss: float
    metric: float
    inputs: np.ndarray
    targets: np.ndarray
    labels: np.ndarray | None
    outputs: np.ndarray
    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    grad_norm: np.ndarray
    jacobian_norm: np.ndarray
    param_grad_norms: dict[str, float]
    saturation: dict[str, np.ndarray]
    spectral_radius: list[float]
    pca: np.ndarray
    pca_explained: np.ndarray
    example: dict = field(default_factory=dict)
    cuts: list[int] = field(default_factory=list)
    eigenvalues: list[np.ndarray | None] = field(default_factory=list)
    network: str = DEFAULT_NETWORK
    layer_labels: list[str] = field(default_factory=list)
    top_rows: int = 1
    attention: np.ndarray | None = None

    def top(self, values: np.ndarray) -> np.ndarray:
        """The rows the head reads, side by side along the units: (L, T, B, H) -> (T, B, top_rows·H)."""
        return np.concatenate(list(values[-self.top_rows:]), axis=-1)

    def to_npz_dict(self) -> dict[str, np.ndarray]:
        """Flat arrays for np.savez: inputs, hidden (T, B, H) of the last layer, grad_norm (T,),
        one array per gate (T, B, H), plus the full per-layer arrays under *_layers."""
        arrays = {"inputs": self.inputs, "targets": self.targets, "outputs": self.outputs,
                  "hidden": self.hidden[-1], "hidden_layers": self.hidden,
                  "grad_norm": self.grad_norm[-1], "grad_norm_layers": self.grad_norm,
                  "jacobian_norm": self.jacobian_norm, "pca": self.pca,
                  "spectral_radius": np.array(self.spectral_radius), "step": np.array(self.step)}
        if self.cell is not None:
            arrays["cell"] = self.cell[-1]
        for name, value in self.gates.items():
            arrays[f"gate_{name}"] = value[-1]
        if self.labels is not None:
            arrays["labels"] = self.labels
        return arrays


def _stack_layers(per_layer: list[list[torch.Tensor]]) -> torch.Tensor:
    """(L, T, B, H) from L lists of T tensors (B, H)."""
    return torch.stack([torch.stack(layer) for layer in per_layer])


def _readout_grad(net: SequenceNet, task: Task, batch: Batch, h_last: torch.Tensor, parameters: bool):
    """(out (B, T, O), loss, dL/dh_t through the head alone (T, B, H), head gradients) from
    h_last (T, B, H); the head gradients ({'head.weight': ..., ...}) only with ``parameters``.

    The head sees the states as the replay gives them to it, (B, T, H); autograd only
    differentiates this last step.
    """
    head = dict(net.head.named_parameters()) if parameters else {}
    with torch.enable_grad():
        states = h_last.transpose(0, 1).contiguous().requires_grad_()
        out = net.head(states)
        loss = task.loss(out, batch)
        dh, *d_head = torch.autograd.grad(loss, [states, *head.values()])
    return out.detach(), loss.detach(), dh.transpose(0, 1), {f"head.{n}": g for n, g in zip(head, d_head)}


def probe(net: SequenceNet, task: Task, batch: Batch, step: int = 0,
          intervention: Intervention | None = None, jacobian: bool = True,
          parameters: bool = True, cut_every: int = 0) -> Snapshot:
    """Replay ``batch`` through ``net``'s cells and record states, gates and gradients.

    ``jacobian`` adds ||dh_T/dh_t|| (H extra rows in the backward walk); ``parameters`` adds
    the per-parameter gradient norms (sums over the same backward walk). The live pages,
    which show neither every redraw, can turn them off to redraw faster. With an
    ``intervention`` every gradient is that of the network as intervened. ``cut_every`` k > 0
    draws the gradients of a run that detaches h every k steps (truncated BPTT): they stop at
    those points, as the run's own do.
    """
    shape = network_of(net)
    by_hand = shape.hand_backward and net.architecture.backward is not None
    with torch.no_grad():
        if by_hand:
            replay = net.replay(batch.x, intervention)
        else:
            replay, loss, grads = autograd_bptt(net, batch.x, lambda out: task.loss(out, batch), intervention,
                                                jacobian, parameters, cut_every, shape.jacobian_row)
        hidden = _stack_layers(replay.h)                                    # (L, T, B, H)
        cell = _stack_layers(replay.c) if shape.takes_cell and net.architecture.has_cell_state else None
        gates = {name: _stack_layers([g[name] for g in replay.gates]) for name in net.gate_names}
    if by_hand:
        out, loss, dh_out, head_grads = _readout_grad(net, task, batch, hidden[-1], parameters)
        inputs = replay.embedded.transpose(0, 1) if parameters else None   # (T, B, I)
        grads = bptt(net, hidden, cell, gates, dh_out, inputs, intervention, jacobian, cut_every)
        param_norms = parameter_grad_norms(net, batch, grads, head_grads) if parameters else {}
    else:
        out = replay.out
        param_norms = {name: float(g.norm()) for name, g in grads.weights.items()}
    grad_norm = grads.hidden.flatten(2).norm(dim=2)                         # (L, T)
    jac_norm = grads.jacobian.flatten(1).norm(dim=1) if jacobian else torch.zeros(hidden.shape[1])
    metric = task.metric(out, batch)
    hidden_np = hidden.numpy()
    gates_np = {name: g.numpy() for name, g in gates.items()}
    rows, top = hidden_np.shape[0], shape.top_rows
    pca, explained = pca_project(np.concatenate(list(hidden_np[-top:]), axis=-1), k=3)
    return Snapshot(
        step=step, arch=net.arch, loss=loss.item(), metric=metric,
        inputs=batch.x.numpy(), targets=batch.y.numpy(),
        labels=None if batch.labels is None else batch.labels.numpy(),
        outputs=out.numpy(), hidden=hidden_np,
        cell=None if cell is None else cell.numpy(), gates=gates_np,
        grad_norm=grad_norm.numpy(), jacobian_norm=jac_norm.numpy(),
        param_grad_norms=param_norms,
        saturation=gate_saturation(net.architecture, gates_np, hidden_np) if shape.takes_cell else {},
        spectral_radius=recurrent_spectral_radius(net, rows), pca=pca, pca_explained=explained,
        example=task.describe_example(batch, out, 0), cuts=cut_points(hidden.shape[1], cut_every),
        eigenvalues=recurrent_eigenvalues(net, rows), network=shape.name,
        layer_labels=shape.view_rows(net.layers), top_rows=top,
        attention=None if replay.attention is None else replay.attention.numpy(),
    )


def gate_saturation(row, gates: dict[str, np.ndarray], hidden: np.ndarray) -> dict[str, np.ndarray]:
    """Saturation of the last layer's bounded gates (the sigmoid gates and a tanh candidate), or of
    the vanilla cell's tanh units by |h|; empty for a cell with neither (the LRU is linear)."""
    if row.gated:
        return {name: saturation(g[-1]) for name, g in gates.items()
                if name in row.sigmoid_gates or name == row.candidate}
    if row.takes_activation:
        return {"tanh": saturation(hidden[-1], symmetric=True)}
    return {}


def parameter_grad_norms(net: SequenceNet, batch: Batch, grads: Gradients,
                         head_grads: dict[str, torch.Tensor]) -> dict[str, float]:
    """||dL/dθ|| for every named parameter of ``net``, from the probe's own backward pass.

    The recurrent layers' gradients come from ``bptt``, the head's from the readout step; an
    embedding's gradient sums the first layer's input gradient over the rows of the tokens
    that were read.
    """
    found = {f"rnn.{name}": g for name, g in grads.weights.items()} | head_grads
    if net.embed is not None:
        ids = batch.x.transpose(0, 1).reshape(-1)                           # (T·B,) as inputs are laid out
        d_embed = torch.zeros_like(net.embed.weight).index_add_(0, ids, grads.input.reshape(len(ids), -1))
        found["embed.weight"] = d_embed
    return {name: float(found[name].norm()) if name in found else 0.0 for name, _ in net.named_parameters()}


def recurrent_eigenvalues(net: SequenceNet, rows: int | None = None) -> list[np.ndarray | None]:
    """Each row's recurrence eigenvalues (complex; ``SequenceNet.eigenvalues``), None without any;
    ``rows``: the rows of the replay's layer axis (the layers by default)."""
    values = [net.eigenvalues(k) for k in range(net.layers if rows is None else rows)]
    return [None if v is None else v.numpy() for v in values]


def recurrent_spectral_radius(net: SequenceNet, rows: int | None = None) -> list[float]:
    """Spectral radius of each layer's recurrence: of the W_hh block that feeds the candidate
    state (LSTM g, GRU n; the whole W_hh of the vanilla RNN, its one block), or max |λ| of a
    scan cell's diagonal (the LRU); NaN for a cell without either (minGRU, minLSTM)."""
    values = [net.eigenvalues(k) for k in range(net.layers if rows is None else rows)]
    return [float("nan") if v is None else v.abs().max().item() for v in values]
