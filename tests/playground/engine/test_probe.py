"""The probe's gradients against independent autograd recomputations."""
import numpy as np
import pytest
import torch

from playground.config import RunConfig
from playground.engine.probe import probe
from playground.engine.trainer import Trainer


def perturbed_unroll(net, x, eps):
    """Unroll the last (only) layer by hand with h_t + eps_t, so dL/d eps_t = dL/dh_t."""
    layer_in = net.encode(x)
    B = layer_in.shape[0]
    cell_weights = net.layer_weights(0)
    from models import gru_step, lstm_step, rnn_step
    h = layer_in.new_zeros(B, net.hidden)
    c = layer_in.new_zeros(B, net.hidden)
    outs = []
    for t in range(layer_in.shape[1]):
        if net.arch == "lstm":
            (h, c), _ = lstm_step(layer_in[:, t], (h, c), *cell_weights)
        elif net.arch == "gru":
            h, _ = gru_step(layer_in[:, t], h, *cell_weights)
        else:
            h, _ = rnn_step(layer_in[:, t], h, *cell_weights, activation=net.activation)
        h = h + eps[t]
        outs.append(h)
    return net.head(torch.stack(outs, 1))


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("task", ["adding", "copy"])
def test_grad_norm_matches_autograd_through_perturbations(arch, task):
    trainer = Trainer(RunConfig(arch=arch, task=task, seq_len=12, lag=3, hidden=6, seed=1))
    trainer.train(3)
    net, batch = trainer.net, trainer.probe_batch
    snap = probe(net, trainer.task, batch, jacobian=False)
    eps = torch.zeros(batch.x.shape[1], batch.x.shape[0], net.hidden, requires_grad=True)
    loss = trainer.task.loss(perturbed_unroll(net, batch.x, eps), batch)
    (g,) = torch.autograd.grad(loss, eps)
    expected = g.flatten(1).norm(dim=1).numpy()
    np.testing.assert_allclose(snap.grad_norm[-1], expected, rtol=1e-4, atol=1e-9)
    assert snap.loss == pytest.approx(loss.item(), rel=1e-5)


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_jacobian_norm_matches_functional_jacobian(arch):
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=8, hidden=5, seed=2))
    net, batch = trainer.net, trainer.probe_batch
    snap = probe(net, trainer.task, batch)
    replay = net.replay(batch.x[:1])
    x = net.encode(batch.x[:1])
    W = net.layer_weights(0)
    from models import gru_step, lstm_step, rnn_step
    T = x.shape[1]
    for t in (0, T // 2, T - 1):
        c_t = replay.c[0][t].detach() if arch == "lstm" else None

        def h_T_from(h_t):
            h, c = h_t, c_t
            for s in range(t + 1, T):
                if arch == "lstm":
                    (h, c), _ = lstm_step(x[:, s], (h, c), *W)
                elif arch == "gru":
                    h, _ = gru_step(x[:, s], h, *W)
                else:
                    h, _ = rnn_step(x[:, s], h, *W)
            return h

        J = torch.autograd.functional.jacobian(h_T_from, replay.h[0][t].detach())
        assert snap.jacobian_norm[t] == pytest.approx(J.norm().item(), rel=1e-4, abs=1e-8)


def test_snapshot_shapes_and_spectral_radius():
    trainer = Trainer(RunConfig(arch="lstm", task="adding", seq_len=10, hidden=7, layers=2,
                                init="spectral", radius=0.9))
    snap = probe(trainer.net, trainer.task, trainer.probe_batch)
    B = trainer.probe_batch.x.shape[0]
    assert snap.hidden.shape == (2, 10, B, 7) and snap.cell.shape == (2, 10, B, 7)
    assert set(snap.gates) == {"i", "f", "g", "o", "c"}
    assert snap.grad_norm.shape == (2, 10) and snap.pca.shape == (10, B, 3)
    assert snap.spectral_radius[0] == pytest.approx(0.9, rel=1e-3)
    assert all(f.shape == (7, 2) for f in snap.saturation.values())
    arrays = snap.to_npz_dict()
    assert arrays["hidden"].shape == (10, B, 7) and arrays["grad_norm"].shape == (10,)
    assert {"gate_i", "gate_f", "gate_g", "gate_o", "inputs"} <= set(arrays)
