"""The gradients lab against theory: exact for a linear RNN with W = ρ·Q; tanh vanishes / explodes."""
import numpy as np
import pytest
import torch

from playground.lessons.gradient_lab import (ClipSetup, LabSetup, clipping_experiment, gradient_curve, gradient_curves,
                                     make_lab_net, measure, recurrent_matrix, theory_line)


@pytest.mark.parametrize("rho", [0.7, 1.0, 1.5])
def test_linear_rnn_follows_rho_power_exactly(rho):
    H, T = 16, 40
    curve = gradient_curve(LabSetup(activation="linear", rho=rho, hidden=H, seq_len=T))
    t = np.arange(1, T + 1)
    np.testing.assert_allclose(curve.jacobian_norm, np.sqrt(H) * rho ** (T - t), rtol=1e-4)
    np.testing.assert_allclose(curve.grad_norm, curve.theory_grad, rtol=1e-4)
    assert curve.spectral_radius == pytest.approx(rho, rel=1e-6)


def test_jacobian_norm_matches_functional_jacobian():
    setup = LabSetup(activation="tanh", rho=1.2, hidden=6, seq_len=7, batch=2)
    net = make_lab_net(setup)
    x = torch.randn(2, 7, 1, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    _, jac, _ = measure(net, x, torch.zeros(2, 1, dtype=torch.float64))
    replay = net.replay(x[:1])
    W = net.layer_weights(0)
    from models import rnn_step

    def h_T_from(h):
        for s in range(3, 7):
            h, _ = rnn_step(x[:1, s], h, *W, activation="tanh")
        return h
    J = torch.autograd.functional.jacobian(h_T_from, replay.h[0][2].detach())
    assert jac[2] == pytest.approx(J.norm().item(), rel=1e-8)


def test_tanh_vanishes_below_one_and_explodes_above():
    assert gradient_curve(LabSetup(activation="tanh", rho=0.9)).ratio("grad") < 0.01
    assert gradient_curve(LabSetup(activation="tanh", rho=1.5)).ratio("grad") > 10


def test_orthogonal_matrix_has_all_singular_values_rho():
    W = recurrent_matrix(8, 1.3, "orthogonal", torch.Generator().manual_seed(0))
    np.testing.assert_allclose(torch.linalg.svdvals(W).numpy(), 1.3, rtol=1e-12)
    with pytest.raises(ValueError):
        recurrent_matrix(8, 1.0, "nope", torch.Generator())


def test_every_architecture_measures_finite_curves():
    curves = gradient_curves(LabSetup(hidden=8, seq_len=12, gate_bias=2.0))
    assert set(curves) == {"rnn", "gru", "lstm"}
    for curve in curves.values():
        assert curve.grad_norm.shape == (12,) and np.isfinite(curve.grad_norm).all()
    assert theory_line(0.5, 3, 2.0).tolist() == [0.5, 1.0, 2.0]


def test_clipping_holds_an_exploding_run():
    no_clip, clipped = clipping_experiment(ClipSetup(steps=60, seq_len=30, lr=0.1))
    assert max(no_clip.grad_norm) > 1e3                  # exploded (and here diverged)
    assert clipped.diverged_at is None and len(clipped.steps) == 60
    assert np.isfinite(clipped.loss).all() and clipped.loss[-1] < 1.0
