"""The gradients through time of a row without a hand-written backward (a scan cell), from autograd.

``models.bptt`` walks back by hand for the classic cells. A scan cell's row has ``backward =
None``: here the replay runs with a graph and ``torch.autograd.grad`` gives what the probe shows
for every row, in the same ``Gradients`` form:

- hidden: dL/ds_t for every layer and step, where s_t is what step t + 1 reads back
  (``Replay.recurrent``: h for minGRU and minLSTM, the LRU's complex x_t): the total derivative,
  through every later step;
- jacobian: ∂s_T/∂s_t of sequence 0 in the last layer, one (batched) backward pass per component
  of s_T (a complex s_T counts its real and imaginary parts);
- weights: dL/dθ of every named parameter of the network (head and embedding included).
"""
from __future__ import annotations

import torch
from torch import Tensor

from models.bptt import Gradients
from models.network import Intervention, Replay, SequenceNet


def autograd_bptt(net: SequenceNet, x: Tensor, loss_of, intervention: Intervention | None = None,
                  jacobian: bool = False, parameters: bool = False, cut_every: int = 0
                  ) -> tuple[Replay, Tensor, Gradients]:
    """(the replay, detached; the loss; its gradients) for input ``x`` and ``loss_of(out) -> loss``.

    ``cut_every`` k > 0 detaches the state every k steps, as a truncated run does: no gradient
    crosses those points.
    """
    named = dict(net.named_parameters()) if parameters else {}
    with torch.enable_grad():
        replay = net.replay(x, intervention, cut_every=cut_every)
        loss = loss_of(replay.out)
        nodes = [s for layer in replay.recurrent for s in layer]
        found = torch.autograd.grad(loss, nodes + list(named.values()), retain_graph=jacobian, allow_unused=True)
        L, T = len(replay.recurrent), len(replay.recurrent[0])
        per_node = [torch.zeros_like(s) if g is None else g for s, g in zip(nodes, found[:len(nodes)])]
        hidden = torch.stack([torch.stack(per_node[k * T:(k + 1) * T]) for k in range(L)])   # (L, T, B, ...)
        weights = {name: torch.zeros_like(p) if g is None else g
                   for (name, p), g in zip(named.items(), found[len(nodes):])}
        jac = _jacobian(replay.recurrent[-1]) if jacobian else None
    return _detached(replay), loss.detach(), Gradients(hidden.detach(), jac, weights)


def _jacobian(states: list[Tensor]) -> Tensor:
    """(T, D, ·): ∂s_T/∂s_t of sequence 0 for every t, D the real components of s_T, all D backward
    passes batched in one (``is_grads_batched``)."""
    last = states[-1][0]
    target = torch.view_as_real(last).flatten() if last.is_complex() else last.flatten()
    eye = torch.eye(target.numel(), dtype=target.dtype)
    found = torch.autograd.grad(target, states, grad_outputs=eye, retain_graph=True, allow_unused=True,
                                is_grads_batched=True)                   # each (D, B, ...)
    rows = [torch.zeros(len(eye), *s[0].shape, dtype=s.dtype) if g is None else g[:, 0] for s, g in zip(states, found)]
    return torch.stack(rows).flatten(2).detach()


def _detached(replay: Replay) -> Replay:
    """The replay with every tensor cut from the graph."""
    cut = lambda layers: [[t.detach() for t in layer] for layer in layers]
    return Replay(replay.out.detach(), replay.embedded.detach(), cut(replay.h), cut(replay.c),
                  [{name: [t.detach() for t in ts] for name, ts in g.items()} for g in replay.gates],
                  cut(replay.recurrent), None if replay.attention is None else replay.attention.detach())
