"""Figures of the side-by-side comparison: every architecture's loss on one chart."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from playground.figures.style import ARCH_COLOURS, ARCH_LABELS, BASELINE_COLOUR, base_layout
from playground.figures.training import smooth, thin
from playground.engine.run_summary import RunSummary, loss_in_metric_units, shown as shown_value


def make_compare_loss_figure(histories: dict[str, pd.DataFrame], metric_name: str, baseline: float,
                             baseline_name: str = "baseline", log_y: bool = False,
                             title: str | None = None) -> go.Figure:
    """Smoothed training loss of each architecture (its colour), validation points, and the baseline.

    For accuracy tasks the loss is cross-entropy and the validation accuracy goes on a
    right-hand axis with the baseline; otherwise the baseline shares the loss axis.
    """
    fig = go.Figure()
    accuracy = metric_name == "accuracy"
    for arch, history in histories.items():
        colour, name = ARCH_COLOURS.get(arch), ARCH_LABELS.get(arch, arch)
        frame = history.dropna(subset=["loss"]) if len(history) else history
        if len(frame):
            loss, _ = loss_in_metric_units(frame["loss"].to_numpy(), metric_name)
            shown = thin(frame.assign(loss_shown=loss, smoothed=smooth(loss)))
            fig.add_scatter(x=shown["step"], y=shown["loss_shown"], mode="lines", name=f"{name} (raw)",
                            line=dict(color=colour, width=1), opacity=0.25, showlegend=False,
                            legendgroup=arch, hoverinfo="skip")
            fig.add_scatter(x=shown["step"], y=shown["smoothed"], mode="lines", name=f"{name} loss",
                            line=dict(color=colour, width=3), legendgroup=arch)
        val = history.dropna(subset=["val_metric"]) if "val_metric" in history else history.iloc[:0]
        if len(val):
            fig.add_scatter(x=val["step"], y=val["val_metric"], mode="markers", name=f"{name} val {metric_name}",
                            marker=dict(color=colour, size=7, symbol="diamond", line=dict(width=1, color="white")),
                            yaxis="y2" if accuracy else "y", legendgroup=arch, showlegend=False)
    fig.add_hline(y=baseline, line=dict(color=BASELINE_COLOUR, dash="dash", width=1.5),
                  yref="y2" if accuracy else "y",
                  annotation_text=f"{baseline_name}: {shown_value(baseline)}", annotation_position="top left")
    base_layout(fig, title, height=380)
    fig.update_xaxes(title_text="training step (same for every architecture)")
    fig.update_yaxes(title_text="training loss" if accuracy else metric_name, type="log" if log_y else "linear")
    if accuracy:
        fig.update_layout(yaxis2=dict(title="validation accuracy (◆)", overlaying="y", side="right",
                                      range=[0, 1.02], showgrid=False))
    return fig


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
