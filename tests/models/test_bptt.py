"""The hand-written BPTT against autograd through the replay, for every cell and intervention."""
import numpy as np
import pytest
import torch

from models.architectures import ARCH_NAMES, architecture
from models.bptt import bptt
from models.network import Intervention, SequenceNet
from playground.config import RunConfig
from playground.engine.probe import probe
from playground.engine.trainer import Trainer

CELLS = [("rnn", "tanh"), ("rnn", "relu"), ("rnn", "linear"), ("gru", "tanh"), ("lstm", "tanh")]
# The RNN has no gate to clamp; its interventions are ablation and scaling.
CLAMPS = {"rnn": [], "gru": [{"r": 0.3}, {"z": 1.0}, {"n": 0.5}],
          "lstm": [{"i": 0.0}, {"f": 1.0}, {"g": 0.5}, {"o": 0.7}]}


def first_clamp(arch):
    clamps = CLAMPS.get(arch) or [{gate: 0.7} for gate in architecture(arch).clampable]
    return dict(clamps[0]) if clamps else {}


def interventions(arch):
    """(id, intervention): none, each clamp alone, ablation, scaled W_hh, and all together."""
    yield "none", None
    for clamp in CLAMPS[arch]:
        yield f"clamp-{''.join(clamp)}", Intervention(clamp=clamp)
    yield "ablate", Intervention(ablate=(1, 3))
    yield "scale", Intervention(scale_hh=1.7)
    yield "all", Intervention(clamp=first_clamp(arch), ablate=(0,), scale_hh=0.6)


def cases():
    for arch, activation in CELLS:
        for layers in (1, 3):
            for name, iv in interventions(arch):
                yield pytest.param(arch, activation, layers, iv, id=f"{arch}-{activation}-L{layers}-{name}")


def random_net(arch, activation, layers):
    torch.manual_seed(0)
    net = SequenceNet(arch, input_size=3, hidden=5, layers=layers, output_size=2,
                      activation="tanh" if activation == "linear" else activation).double()
    net.activation = activation
    x = torch.randn(4, 7, 3, dtype=torch.float64)
    target = torch.randn(4, 7, 2, dtype=torch.float64)
    return net, x, target


def autograd_reference(net, x, loss_of, iv):
    """(dL/dh (L, T, B, H), dh_T/dh_t (T, H, H) of sequence 0) by autograd over the replay.

    H copies of sequence 0 ride along; the objective adds sum_k h_T[copy k, unit k], so
    copy k's gradient is row k of the Jacobian while the B rows get dL/dh_t unchanged.
    ``loss_of`` maps the outputs (B, T, O) to the loss.
    The gradient is taken where the step reads back (``Replay.recurrent``: h, the LRU's complex x,
    whose real and imaginary parts count as two components, or S6's (H, N) state): one copy per component.
    """
    B, L = x.shape[0], net.layers
    components = lambda s: (torch.view_as_real(s) if s.is_complex() else s).flatten(1)     # (B, real parts)
    D = components(net.replay(x[:1], iv).recurrent[-1][-1]).shape[1]
    replay = net.replay(torch.cat([x, x[:1].expand(D, *x.shape[1:])]), iv)
    parts = components(replay.recurrent[-1][-1][B:])
    objective = loss_of(replay.out[:B]) + parts.diagonal().sum()
    flat_h = [h for layer in replay.recurrent for h in layer]
    grads = torch.autograd.grad(objective, flat_h, allow_unused=True)
    grad = torch.stack([g if g is not None else torch.zeros_like(h) for g, h in zip(grads, flat_h)])
    grad = grad.reshape(L, -1, *grad.shape[1:])                # (L, T, B + D, ·)
    return grad[:, :, :B], grad[-1, :, B:]


def records_and_direct_term(net, x, loss_of, iv):
    """The replay's stacked records (hidden, cell, gates) and dL/dh_t through the head (T, B, H)."""
    with torch.no_grad():
        replay = net.replay(x, iv)
        hidden = torch.stack([torch.stack(layer) for layer in replay.h])
        cell = torch.stack([torch.stack(layer) for layer in replay.c]) if net.arch == "lstm" else None
        gates = {name: torch.stack([torch.stack(g[name]) for g in replay.gates]) for name in net.gate_names}
    states = hidden[-1].transpose(0, 1).contiguous().requires_grad_()
    (dh_out,) = torch.autograd.grad(loss_of(net.head(states)), states)
    return hidden, cell, gates, dh_out.transpose(0, 1)


def by_hand(net, x, loss_of, iv, jacobian=True):
    """(dL/dh, Jacobian) from bptt on the replay's stacked records, started from autograd through the head."""
    found = bptt(net, *records_and_direct_term(net, x, loss_of, iv), intervention=iv, jacobian=jacobian)
    return found.hidden, found.jacobian


def mse_to(target):
    return lambda out: ((out - target) ** 2).mean()


@pytest.mark.parametrize("arch, activation, layers, iv", list(cases()))
def test_hand_bptt_matches_autograd(arch, activation, layers, iv):
    net, x, target = random_net(arch, activation, layers)
    expected_grad, expected_jac = autograd_reference(net, x, mse_to(target), iv)
    grad, jac = by_hand(net, x, mse_to(target), iv)
    torch.testing.assert_close(grad, expected_grad, rtol=1e-5, atol=1e-12)
    torch.testing.assert_close(jac, expected_jac, rtol=1e-5, atol=1e-12)


def test_without_jacobian_the_gradients_are_the_same():
    net, x, target = random_net("lstm", "tanh", 2)
    with_jacobian, _ = by_hand(net, x, mse_to(target), None)
    alone, jac = by_hand(net, x, mse_to(target), None, jacobian=False)
    assert jac is None
    torch.testing.assert_close(alone, with_jacobian, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("arch", ARCH_NAMES)
@pytest.mark.parametrize("task", ["adding", "copy"])
def test_probe_norms_match_autograd_on_a_trained_two_layer_net(arch, task):
    trainer = Trainer(RunConfig(arch=arch, task=task, seq_len=12, lag=3, hidden=6, layers=2, seed=3))
    trainer.train(3)
    net, batch = trainer.net, trainer.probe_batch
    iv = Intervention(clamp=first_clamp(arch), ablate=(2,), scale_hh=0.9 if architecture(arch).has_recurrent_matrix else 1.0)
    snap = probe(net, trainer.task, batch, intervention=iv)
    grad, jac = autograd_reference(net, batch.x, lambda out: trainer.task.loss(out, batch), iv)
    np.testing.assert_allclose(snap.grad_norm, grad.flatten(2).norm(dim=2).numpy(), rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(snap.jacobian_norm, jac.flatten(1).norm(dim=1).numpy(), rtol=1e-4, atol=1e-9)
    assert snap.loss == pytest.approx(trainer.task.loss(net.replay(batch.x, iv).out, batch).item(), rel=1e-5)


def weights_by_hand(net, x, loss_of, iv):
    """bptt's weight and input gradients on the replay's records."""
    return bptt(net, *records_and_direct_term(net, x, loss_of, iv), x.transpose(0, 1), iv)


@pytest.mark.parametrize("arch, activation, layers, iv", list(cases()))
def test_weight_and_input_gradients_match_autograd(arch, activation, layers, iv):
    net, x, target = random_net(arch, activation, layers)
    x = x.clone().requires_grad_()
    names, params = zip(*net.rnn.named_parameters())
    expected = torch.autograd.grad(mse_to(target)(net.replay(x, iv, embedded=x).out), [*params, x])
    found = weights_by_hand(net, x.detach(), mse_to(target), iv)
    assert set(found.weights) == set(names)
    for name, grad in zip(names, expected):
        torch.testing.assert_close(found.weights[name], grad, rtol=1e-5, atol=1e-12, msg=name)
    torch.testing.assert_close(found.input, expected[-1].transpose(0, 1), rtol=1e-5, atol=1e-12)


@pytest.mark.parametrize("arch", ARCH_NAMES)
@pytest.mark.parametrize("task", ["adding", "copy"])
def test_probe_parameter_norms_equal_the_fused_kernels_gradients(arch, task):
    """Without an intervention, the probe's per-parameter norms (embedding and head included)
    are those of autograd through the fused torch.nn module (or the scan) that trains."""
    trainer = Trainer(RunConfig(arch=arch, task=task, seq_len=12, lag=3, hidden=6, layers=2, seed=3))
    trainer.train(3)
    net, batch = trainer.net, trainer.probe_batch
    names, params = zip(*net.named_parameters())
    out, _ = net(batch.x)
    expected = torch.autograd.grad(trainer.task.loss(out, batch), params)
    norms = probe(net, trainer.task, batch).param_grad_norms
    assert list(norms) == list(names) and (task != "copy" or "embed.weight" in norms)
    for name, grad in zip(names, expected):
        assert norms[name] == pytest.approx(grad.norm().item(), rel=1e-4, abs=1e-9), name
