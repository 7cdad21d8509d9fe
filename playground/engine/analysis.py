"""Small numerical analyses of recorded states: PCA projection and gate saturation."""
from __future__ import annotations

import numpy as np


def pca_project(states: np.ndarray, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Project states (T, B, H) on their top-k principal components.

    Returns (projection (T, B, k), explained variance ratio (k,)). Components are
    sign-fixed (largest loading positive) so consecutive snapshots do not flip.
    When H < k the missing components are zero. States that overflowed (inf, NaN) are
    clipped to the float32 range (NaN to 0), so a diverged run is still drawn.
    """
    T, B, H = states.shape
    X = states.reshape(T * B, H).astype(np.float64)
    big = float(np.finfo(np.float32).max)                # a diverged run's states overflow: keep them drawable
    X = np.nan_to_num(X, nan=0.0, posinf=big, neginf=-big)
    X = X - X.mean(axis=0)
    # Eigen-decomposition of the H x H covariance: the same axes as an SVD of X, much cheaper for T*B >> H.
    var, vecs = np.linalg.eigh(X.T @ X)                  # ascending
    var, V = np.clip(var[::-1], 0, None), vecs[:, ::-1].T   # rows = components, largest first
    k_eff = min(k, H)
    V = V[:k_eff]
    signs = np.sign(V[np.arange(k_eff), np.abs(V).argmax(axis=1)])
    signs[signs == 0] = 1
    V = V * signs[:, None]
    proj = np.zeros((T * B, k))
    proj[:, :k_eff] = X @ V.T
    explained = np.zeros(k)
    if var.sum() > 0:
        explained[:k_eff] = var[:k_eff] / var.sum()
    return proj.reshape(T, B, k).astype(np.float32), explained


def saturation(gate: np.ndarray, symmetric: bool = False) -> np.ndarray:
    """Per-unit fractions of time a gate is saturated: (H, 2) = (frac < 0.1, frac > 0.9).

    gate: (T, B, H). For a tanh unit (``symmetric``) the test uses |value|, so the columns
    are the fractions of time the unit is near 0 (linear regime) and near ±1 (saturated).
    """
    v = np.abs(gate) if symmetric else gate
    low = (v < 0.1).mean(axis=(0, 1))
    high = (v > 0.9).mean(axis=(0, 1))
    return np.stack([low, high], axis=1)
