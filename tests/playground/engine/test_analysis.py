"""PCA projection against numpy's SVD; gate saturation fractions on hand-made gates."""
import numpy as np

from playground.engine.analysis import pca_project, saturation


def test_pca_matches_svd_up_to_sign_and_is_sign_fixed():
    x = np.random.default_rng(0).normal(size=(20, 8, 10)) * np.linspace(3, 0.1, 10)
    proj, explained = pca_project(x, k=3)
    X = x.reshape(-1, 10) - x.reshape(-1, 10).mean(0)
    _, s, Vt = np.linalg.svd(X, full_matrices=False)
    np.testing.assert_allclose(np.abs(proj.reshape(-1, 3)), np.abs(X @ Vt[:3].T), atol=1e-4)
    np.testing.assert_allclose(explained, (s ** 2 / (s ** 2).sum())[:3], rtol=1e-6)
    flipped, _ = pca_project(-x, k=3)
    np.testing.assert_allclose(np.abs(flipped), np.abs(proj), atol=1e-4)


def test_pca_with_fewer_units_than_components():
    proj, explained = pca_project(np.random.default_rng(1).normal(size=(5, 3, 2)), k=3)
    assert proj.shape == (5, 3, 3) and (proj[..., 2] == 0).all() and explained[2] == 0


def test_saturation_fractions():
    gate = np.array([0.05, 0.5, 0.95, 0.99]).reshape(4, 1, 1)          # (T, B, H=1)
    np.testing.assert_allclose(saturation(gate), [[0.25, 0.5]])
    np.testing.assert_allclose(saturation(-gate, symmetric=True), [[0.25, 0.5]])
