"""Figures of the side-by-side comparison: every architecture's loss on one chart."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from playground.figures.loss_series import joined, loss_points
from playground.figures.training import loss_layout
from playground.figures.style import ARCH_COLOURS, ARCH_LABELS, fast_figure
from playground.engine.run_summary import RunSummary, shown as shown_value


def compare_traces(archs, metric_name: str) -> list[dict]:
    """Each architecture's three traces (``loss_series.TRACE_NAMES``: raw, smoothed, validation) in its
    colour, without their points."""
    accuracy = metric_name == "accuracy"
    traces = []
    for arch in archs:
        colour, name = ARCH_COLOURS.get(arch), ARCH_LABELS.get(arch, arch)
        traces += [dict(type="scatter", mode="lines", name=f"{name} (raw)", line=dict(color=colour, width=1),
                        opacity=0.25, showlegend=False, legendgroup=arch, hoverinfo="skip"),
                   dict(type="scatter", mode="lines", name=f"{name} loss", line=dict(color=colour, width=3),
                        legendgroup=arch),
                   dict(type="scatter", mode="markers", name=f"{name} val {metric_name}",
                        marker=dict(color=colour, size=7, symbol="diamond", line=dict(width=1, color="white")),
                        yaxis="y2" if accuracy else "y", legendgroup=arch, showlegend=False)]
    return traces


def compare_layout(metric_name: str, baseline: float, baseline_name: str = "baseline", log_y: bool = False,
                   title: str | None = None) -> dict:
    """The comparison's layout: the loss chart's, with axes named for several architectures on one step axis."""
    return loss_layout(metric_name, baseline, baseline_name, log_y, title, height=380,
                       x_title="training step (same for every architecture)", loss_title="training loss",
                       accuracy_title="validation accuracy (◆)")


def compare_chart_spec(archs, metric_name: str, baseline: float, baseline_name: str = "baseline",
                       log_y: bool = False, title: str | None = None) -> go.Figure:
    """The live comparison chart without its points (``loss_series.joined`` gives them, in ``archs``' order)."""
    return fast_figure([dict(t, x=[], y=[]) for t in compare_traces(archs, metric_name)],
                       compare_layout(metric_name, baseline, baseline_name, log_y, title))


def make_compare_loss_figure(histories: dict[str, pd.DataFrame], metric_name: str, baseline: float,
                             baseline_name: str = "baseline", log_y: bool = False,
                             title: str | None = None) -> go.Figure:
    """Smoothed training loss of each architecture (its colour), validation points, and the baseline.

    For accuracy tasks the loss is cross-entropy and the validation accuracy goes on a
    right-hand axis with the baseline; otherwise the baseline shares the loss axis. The points are
    ``loss_series.loss_points``'s, the ones the live chart draws.
    """
    points = joined([loss_points({c: h[c].to_numpy() for c in ("step", "loss", "val_metric") if c in h}, metric_name)
                     for h in histories.values()])
    data = [dict(t, x=xs, y=ys) for t, xs, ys in zip(compare_traces(histories, metric_name), points.x, points.y) if xs]
    return fast_figure(data, compare_layout(metric_name, baseline, baseline_name, log_y, title))


def compare_summary(summaries: dict[str, RunSummary]) -> str:
    """Text alternative: steps, last training loss and validation value of each architecture.

    ``summaries`` are the ``RunSummary`` of each run, the numbers its tile shows.
    """
    parts, baseline = [], None
    for arch, summary in summaries.items():
        name, baseline = ARCH_LABELS.get(arch, arch), summary
        if summary.step is None:
            parts.append(f"{name}: not trained yet")
            continue
        text = f"{name}: {summary.step} steps, {summary.loss_label} {shown_value(summary.loss)}"
        if summary.val is not None:
            text += f", validation {summary.metric_name} {shown_value(summary.val)}"
        parts.append(text)
    tail = f". Baseline {baseline.metric_name}: {shown_value(baseline.baseline)}." if baseline else "."
    return "; ".join(parts) + tail
