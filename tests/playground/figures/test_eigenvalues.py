"""The eigenvalue figure: the recurrence's λ in the complex plane, the unit circle beside them."""
import numpy as np
import plotly.graph_objects as go

from models.architectures import ARCHITECTURES
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.figures.eigenvalues import eigenvalue_summary, make_eigenvalue_figure
from playground.figures.gradients import make_grad_heatmap_figure


def test_the_figure_puts_each_eigenvalue_at_its_place_and_draws_the_unit_circle():
    values = np.array([0.5 + 0.5j, -0.9, 0.99j])
    fig = make_eigenvalue_figure(values, title="λ")
    go.Figure(fig.to_dict())                                                      # passes plotly's validation
    circle, dots = fig.data
    np.testing.assert_allclose(np.hypot(np.asarray(circle.x), np.asarray(circle.y)), 1.0, atol=1e-12)
    np.testing.assert_allclose(np.asarray(dots.x), values.real)
    np.testing.assert_allclose(np.asarray(dots.y), values.imag)
    assert fig.layout.yaxis.scaleanchor == "x"                                    # a circle looks round
    assert "|λ| from 0.707 to 0.990" in eigenvalue_summary(values) and "about 100 steps" in eigenvalue_summary(values)


def test_every_row_with_eigenvalues_gives_them_to_the_figure_through_the_probe():
    for name, row in ARCHITECTURES.items():
        snap = LiveRun(RunConfig(arch=name, task="adding", seq_len=6, hidden=4, batch=4)).record_probe()
        values = snap.eigenvalues[-1]
        assert (values is not None) == row.has_spectral_radius, name
        if values is None:
            assert np.isnan(snap.spectral_radius[-1])
        else:
            assert np.isclose(np.abs(values).max(), snap.spectral_radius[-1])
            assert len(make_eigenvalue_figure(values).data[1].x) == 4


def test_the_gradient_history_names_the_radius_it_draws():
    fig = make_grad_heatmap_figure([1, 2], [np.ones(4), np.ones(4)], [0.9, 0.95], radius_title="max |λ|")
    assert fig.layout.xaxis2.title.text == "max |λ|" and fig.data[1].name == "max |λ|"
    assert make_grad_heatmap_figure([1], [np.ones(4)], [0.9]).layout.xaxis2.title.text == "ρ(W_hh)"
