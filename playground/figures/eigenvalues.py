"""The eigenvalues of a recurrence in the complex plane, with the unit circle.

A linear recurrence x_t = λ ⊙ x_{t−1} + … keeps a mode for about 1 / (1 − |λ|) steps: the
closer an eigenvalue lies to the unit circle, the longer the memory; outside it, the mode
explodes. For the LRU (Orvieto et al. 2023) the eigenvalues are the diagonal λ itself, and
training a long-memory task moves them towards the circle: the visual counterpart of the
spectral radius of W_hh.
"""
from __future__ import annotations

import numpy as np

from playground.figures.style import OKABE_ITO, fast_figure, layout_dict

CIRCLE_POINTS = 181


def eigenvalue_parts(eigenvalues: np.ndarray, title: str | None = None,
                     colour: str | None = None) -> tuple[list[dict], dict]:
    """One dot per eigenvalue (complex array, any shape) at (Re λ, Im λ), and the unit circle |λ| = 1."""
    values = np.asarray(eigenvalues, dtype=complex).ravel()
    angle = np.linspace(0, 2 * np.pi, CIRCLE_POINTS)
    data = [dict(type="scatter", x=np.cos(angle), y=np.sin(angle), mode="lines", name="|λ| = 1",
                 line=dict(color=OKABE_ITO["black"], dash="dash", width=1), hoverinfo="skip"),
            dict(type="scatter", x=values.real, y=values.imag, mode="markers", name="eigenvalues λ",
                 marker=dict(size=7, color=colour or OKABE_ITO["purple"], opacity=0.8),
                 text=[f"mode {k}: |λ| = {abs(v):.3f}" for k, v in enumerate(values)],
                 hovertemplate="%{text}<extra></extra>")]
    reach = max(1.05, float(np.abs(values).max()) * 1.05 if values.size else 1.05)
    layout = layout_dict(title, height=360,
                         xaxis=dict(title=dict(text="Re λ"), range=[-reach, reach], zeroline=True),
                         yaxis=dict(title=dict(text="Im λ"), range=[-reach, reach], zeroline=True,
                                    scaleanchor="x", scaleratio=1))
    return data, layout


def make_eigenvalue_figure(eigenvalues: np.ndarray, title: str | None = None, colour: str | None = None):
    """``eigenvalue_parts`` as a plotly figure."""
    return fast_figure(*eigenvalue_parts(eigenvalues, title, colour))


def eigenvalue_summary(eigenvalues: np.ndarray) -> str:
    """Text alternative: how close to the unit circle the eigenvalues lie, and the memory that means."""
    modulus = np.abs(np.asarray(eigenvalues, dtype=complex).ravel())
    if modulus.size == 0:
        return "No eigenvalues."
    top = float(modulus.max())
    memory = "without bound" if top >= 1 else f"about {1 / (1 - top):.0f} steps"
    return (f"{modulus.size} eigenvalues, |λ| from {modulus.min():.3f} to {top:.3f} (median "
            f"{np.median(modulus):.3f}); the slowest mode remembers {memory}.")
