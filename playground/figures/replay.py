"""Replay of a run: how the trajectories, one gate and ||dL/dh_t|| changed over training.

One plotly animation (frames + slider + play button) built from the LiveRun's records:
it plays in the browser with no reruns. Left: hidden-state trajectories in PCA
coordinates; middle: units × time heatmap of a chosen gate (probe sequence 0); right:
||dL/dh_t|| against t on a log scale. Each probe's PCA is its own projection, so
components are sign-aligned with the previous frame to keep the picture from flipping.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from models.architectures import SIGMOID_GATES
from playground.figures.style import GATE_TITLES, OKABE_ITO, SEQUENCE, SEQUENTIAL, DIVERGING, base_layout

TINY = 1e-30
MAX_FRAMES = 60                  # frames kept (evenly spaced, first and last always)
MAX_CELLS = 1_500_000            # heatmap cells over all frames: caps the page's JSON size
MAX_TRAJECTORIES = 6


def pick_frames(n: int, limit: int) -> list[int]:
    """Indices of at most ``limit`` of ``n`` records, evenly spaced, first and last kept."""
    if n <= limit:
        return list(range(n))
    return sorted(set(np.linspace(0, n - 1, max(2, limit)).round().astype(int).tolist()))


def align_signs(pcas: list[np.ndarray]) -> list[np.ndarray]:
    """Flip each principal component whose sign disagrees with the previous frame's."""
    out = [pcas[0]] if pcas else []
    for cur in pcas[1:]:
        prev = out[-1]
        if prev.shape == cur.shape:
            signs = np.where((prev * cur).sum(axis=(0, 1)) < 0, -1.0, 1.0)   # (3,)
            cur = cur * signs
        out.append(cur)
    return out


def _gate_values(record, gate: str) -> np.ndarray:
    return record.hidden if gate == "h" else record.gates[gate]            # (T, H)


def _traces(pca: np.ndarray, values: np.ndarray, grad: np.ndarray, gate: str, zrange) -> list:
    T = pca.shape[0]
    t = np.arange(1, T + 1)
    traces = [go.Scatter(x=pca[:, b, 0], y=pca[:, b, 1], mode="lines+markers", name=f"seq {b}",
                         line=dict(color=SEQUENCE[b % len(SEQUENCE)], width=2),
                         marker=dict(size=5, color=t, colorscale=SEQUENTIAL),
                         hovertemplate=f"seq {b}, t=%{{text}}<extra></extra>", text=t, showlegend=False)
              for b in range(min(pca.shape[1], MAX_TRAJECTORIES))]
    traces.append(go.Heatmap(z=values.T, x=t, y=np.arange(values.shape[1]), zmin=zrange[0], zmax=zrange[1],
                             colorscale=SEQUENTIAL if gate in SIGMOID_GATES else DIVERGING,
                             colorbar=dict(thickness=10, x=0.655, len=0.9), showscale=True,
                             hovertemplate="t=%{x}, unit %{y}: %{z:.3f}<extra></extra>"))
    traces.append(go.Scatter(x=t, y=np.maximum(grad, TINY), mode="lines+markers", name="‖dL/dh_t‖",
                             line=dict(color=OKABE_ITO["blue"], width=2.5), marker=dict(size=4),
                             showlegend=False, hovertemplate="t=%{x}: %{y:.3g}<extra></extra>"))
    return traces


def make_replay_figure(records: list, gate: str = "h", title: str | None = None) -> go.Figure:
    """Animated replay of ``records`` (playground.engine.live.Record) showing ``gate`` ('h' or a gate name)."""
    if not records:
        fig = go.Figure()
        base_layout(fig, title or "Nothing recorded yet")
        return fig
    T, H = _gate_values(records[0], gate).shape
    limit = min(MAX_FRAMES, max(2, MAX_CELLS // max(1, T * H)))
    chosen = [records[k] for k in pick_frames(len(records), limit)]
    pcas = align_signs([r.pca[:, :MAX_TRAJECTORIES, :2] for r in chosen])
    values = [_gate_values(r, gate) for r in chosen]
    if gate in SIGMOID_GATES:
        zrange = (0.0, 1.0)
    else:
        m = max(float(np.abs(v).max()) for v in values) or 1.0
        zrange = (-m, m)
    grads = [np.maximum(r.grad_norm, TINY) for r in chosen]
    logs = np.log10(np.concatenate(grads))
    finite = logs[logs > np.log10(TINY) + 1]
    g_lo, g_hi = (float(finite.min()), float(finite.max())) if finite.size else (-10.0, 0.0)
    xy = np.concatenate([p.reshape(-1, 2) for p in pcas])
    pad = 0.05 * (xy.max(0) - xy.min(0) + 1e-9)

    fig = make_subplots(rows=1, cols=3, column_widths=[0.32, 0.36, 0.32], horizontal_spacing=0.08,
                        subplot_titles=("Trajectories (PCA of h_t)", GATE_TITLES.get(gate, gate),
                                        "‖dL/dh_t‖ across timesteps"))
    first = _traces(pcas[0], values[0], grads[0], gate, zrange)
    n_traj = len(first) - 2
    for k, trace in enumerate(first):
        col = 1 if k < n_traj else (2 if k == n_traj else 3)
        fig.add_trace(trace, row=1, col=col)
    fig.frames = [go.Frame(data=_traces(p, v, g, gate, zrange), name=str(r.step),
                           traces=list(range(len(first))))
                  for p, v, g, r in zip(pcas, values, grads, chosen)]
    base_layout(fig, title, height=420)
    fig.update_xaxes(title_text="PC1", range=[xy[:, 0].min() - pad[0], xy[:, 0].max() + pad[0]], row=1, col=1)
    fig.update_yaxes(title_text="PC2", range=[xy[:, 1].min() - pad[1], xy[:, 1].max() + pad[1]], row=1, col=1)
    fig.update_xaxes(title_text="timestep t", row=1, col=2)
    fig.update_yaxes(title_text="unit", row=1, col=2)
    fig.update_xaxes(title_text="timestep t", row=1, col=3)
    fig.update_yaxes(title_text="norm (log scale)", type="log", exponentformat="power",
                     range=[g_lo - 0.2, g_hi + 0.2], row=1, col=3)
    play = dict(frame=dict(duration=350, redraw=True), fromcurrent=True, transition=dict(duration=0))
    fig.update_layout(
        margin=dict(l=50, r=20, t=70 if title else 50, b=110),
        updatemenus=[dict(type="buttons", direction="left", x=0, y=-0.2, xanchor="left", yanchor="top",
                          showactive=False, pad=dict(t=0, r=10),
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate",
                                        args=[[None], dict(frame=dict(duration=0, redraw=False),
                                                           mode="immediate")])])],
        sliders=[dict(active=0, x=0.16, y=-0.16, len=0.84, xanchor="left", yanchor="top",
                      currentvalue=dict(prefix="training step ", visible=True),
                      pad=dict(t=0, b=0),
                      steps=[dict(label=str(r.step), method="animate",
                                  args=[[str(r.step)], dict(mode="immediate", frame=dict(duration=0, redraw=True),
                                                            transition=dict(duration=0))])
                             for r in chosen])])
    return fig


def replay_summary(records: list, gate: str = "h") -> str:
    """Text alternative: the span replayed and how the gradient at t=1 and the loss changed."""
    if not records:
        return "Nothing recorded yet: train a few steps first."
    first, last = records[0], records[-1]
    g0, g1 = float(first.grad_norm[0]), float(last.grad_norm[0])
    return (f"Replay of {len(records)} probes from step {first.step} to {last.step}, showing "
            f"{GATE_TITLES.get(gate, gate)}: probe loss {first.loss:.4g} → {last.loss:.4g}; "
            f"‖dL/dh_1‖ {g0:.3g} → {g1:.3g}.")
