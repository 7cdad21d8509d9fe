"""Figure builders are pure: data in, plotly Figure out, with the traces the page promises."""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from playground.config import RunConfig
from playground.figures.gates import gate_grid_summary, make_gate_grid, make_saturation_figure
from playground.figures.gradients import cuts_summary, grad_summary, make_grad_heatmap_figure, make_grad_norm_figure
from playground.figures.states import make_trajectory_figure, make_unit_heatmap
from playground.figures.training import loss_summary, make_loss_figure, smooth, thin
from playground.engine.live import LiveRun


def test_smooth_is_tensorboards_debiased_ema():
    values, weight, last, expected = np.random.default_rng(0).random(40), 0.9, 0.0, []
    for k, v in enumerate(values):
        last = weight * last + (1 - weight) * v
        expected.append(last / (1 - weight ** (k + 1)))
    np.testing.assert_allclose(smooth(values, weight), expected, rtol=1e-12)


def test_loss_figure_has_baseline_and_accuracy_axis():
    history = pd.DataFrame({"step": [1, 2, 3], "loss": [1.0, 0.8, 0.5], "val_metric": [np.nan, np.nan, 0.7]})
    fig = make_loss_figure(history, "accuracy", 0.5, "majority class")
    assert [t.name for t in fig.data] == ["training loss (cross-entropy)", "smoothed", "validation accuracy"]
    assert fig.data[2].yaxis == "y2" and fig.layout.shapes[0].y0 == 0.5
    assert "better than the baseline" in loss_summary(history, "accuracy", 0.5, True)
    assert len(thin(pd.DataFrame({"step": range(10_000)}), 100)) <= 101


def test_grad_figures_use_log_scale_and_summaries_name_the_trend():
    g = np.array([[1e-8, 1e-5, 1e-2, 1.0]])
    fig = make_grad_norm_figure(g, np.ones(4), theory=np.ones(4))
    assert fig.layout.yaxis.type == "log" and len(fig.data) == 3
    assert "vanishes" in grad_summary(g) and "explodes" in grad_summary(g[:, ::-1])
    heat = make_grad_heatmap_figure([0, 10], [g[0], g[0]], [0.9, 1.1])
    assert heat.data[0].z.shape == (2, 4) and list(heat.data[1].x) == [0.9, 1.1]


def test_truncation_points_are_drawn_and_cut_off_gradients_leave_a_gap():
    g, jac = np.array([[0.5, 0.4, 0.3, 0.2, 0.1, 1.0]]), np.array([0, 0, 0, 0.1, 0.5, 1.0])
    fig = make_grad_norm_figure(g, jac, cuts=[4])
    assert [s.x0 for s in fig.layout.shapes] == [3.5] and "detached" in fig.layout.annotations[0].text
    assert np.isnan(fig.data[1].y[:3]).all() and (fig.data[1].y[3:] > 0).all()
    assert "before t = 4" in cuts_summary([4]) and cuts_summary([]) == ""
    assert not make_grad_norm_figure(g, jac).layout.shapes


def test_state_figures_from_a_real_snapshot():
    run = LiveRun(RunConfig(arch="lstm", task="parity", seq_len=8, hidden=6))
    snap = run.snapshot
    traj = make_trajectory_figure(snap.pca, snap.pca_explained, dims=3, labels=snap.labels, colour_by="label")
    assert len(traj.data) == min(8, snap.pca.shape[1]) and traj.data[0].type == "scatter3d"
    heat = make_unit_heatmap(snap.gates["f"][-1][:, 0], "f")
    assert heat.data[0].z.shape == (run.config.hidden, run.config.seq_len)     # units × timesteps
    assert heat.data[0].zmin == 0 and heat.data[0].zmax == 1
    sat = make_saturation_figure(snap.saturation)
    assert {t.name for t in sat.data} == {"input gate i_t", "forget gate f_t", "cell candidate g_t", "output gate o_t"}


def test_time_coloured_trajectories_are_two_traces_with_gaps_between_sequences():
    pca = np.random.default_rng(0).normal(size=(5, 3, 3))
    T, B = pca.shape[:2]
    stride = T + 1                                                            # a sequence, then its gap
    fig = make_trajectory_figure(pca, np.array([0.5, 0.3, 0.2]), dims=2)
    line, dots = fig.data
    assert len(fig.data) == 2 and len(dots.x) == B * stride
    np.testing.assert_array_equal(np.asarray(dots.x, float)[stride:stride + T], pca[:, 1, 0])   # sequence 1
    assert np.isnan(np.asarray(dots.x, float)[T]) and list(dots.customdata[:stride]) == [0] * stride
    assert list(dots.marker.color[:T]) == list(range(1, T + 1))


def test_gate_grid_puts_every_gate_in_its_own_panel_with_shared_scales():
    rng = np.random.default_rng(1)
    values = {"i": rng.random((7, 4)), "f": rng.random((7, 4)), "g": rng.normal(size=(7, 4)) * 3,
              "o": rng.random((7, 4)), "c": rng.normal(size=(7, 4))}
    fig = make_gate_grid(values, columns=2)
    assert [t.coloraxis for t in fig.data] == ["coloraxis", "coloraxis", "coloraxis2", "coloraxis", "coloraxis2"]
    assert fig.data[2].z.shape == values["g"].T.shape                         # units × timesteps
    assert fig.layout.coloraxis.cmin == 0 and fig.layout.coloraxis.cmax == 1
    span = max(np.abs(values["g"]).max(), np.abs(values["c"]).max())
    assert fig.layout.coloraxis2.cmax == pytest.approx(span) and fig.layout.coloraxis2.cmin == pytest.approx(-span)
    suffixes = [""] + [str(k) for k in range(2, len(values) + 1)]             # xaxis, xaxis2, ...
    domains = [(fig.layout[f"xaxis{k}"].domain, fig.layout[f"yaxis{k}"].domain) for k in suffixes]
    for a in range(len(domains)):                                             # panels never overlap
        for b in range(a + 1, len(domains)):
            (ax, ay), (bx, by) = domains[a], domains[b]
            assert ax[1] <= bx[0] or bx[1] <= ax[0] or ay[1] <= by[0] or by[1] <= ay[0]
    assert "forget gate f_t: mean" in gate_grid_summary(values)


def built_figures():
    """One output of every live figure builder (they skip validation for speed)."""
    run = LiveRun(RunConfig(arch="gru", task="adding", seq_len=8, hidden=5))
    run.tick(0.0, max_steps=3)
    snap, history = run.snapshot, run.trainer.history_frame()
    records = run.records
    return [make_loss_figure(history, "MSE", 0.17, log_y=True, title="t"),
            make_loss_figure(history, "accuracy", 0.5),
            make_grad_norm_figure(snap.grad_norm, snap.jacobian_norm, theory=np.ones(8), title="g"),
            make_grad_norm_figure(snap.grad_norm, np.r_[np.zeros(4), snap.jacobian_norm[4:]], cuts=[5], title="g"),
            make_grad_heatmap_figure([r.step for r in records], [r.grad_norm for r in records],
                                     [r.spectral_radius for r in records]),
            make_trajectory_figure(snap.pca, snap.pca_explained, dims=2),
            make_trajectory_figure(snap.pca, snap.pca_explained, dims=3, labels=snap.labels, colour_by="label"),
            make_unit_heatmap(snap.gates["z"][-1][:, 0], "z"), make_saturation_figure(snap.saturation),
            make_trajectory_figure(snap.pca, snap.pca_explained, dims=3),
            make_gate_grid({name: g[-1][:, 0] for name, g in snap.gates.items()}, title="gates")]


@pytest.mark.parametrize("index", range(10))
def test_fast_figures_pass_plotlys_validation(index):
    fig = built_figures()[index]
    go.Figure(fig.to_dict())          # validation on: a misspelt property raises here
