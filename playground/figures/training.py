"""Figures of the training run: loss and validation metric against steps, with the baseline.

The loss is plotted in the units ``playground.engine.run_summary`` gives it, so the chart's last point
is the number the tiles and the caption show.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from playground.figures.loss_series import MAX_POINTS, loss_points, smooth, thinned
from playground.figures.style import BASELINE_COLOUR, OKABE_ITO, fast_figure, layout_dict
from playground.engine.run_summary import loss_in_metric_units, shown as shown_value, summarize

__all__ = ["MAX_POINTS", "smooth", "thin", "loss_traces", "loss_layout", "loss_chart_spec", "make_loss_figure",
           "loss_summary"]


def thin(frame: pd.DataFrame, limit: int = MAX_POINTS) -> pd.DataFrame:
    """Every k-th row so that at most ``limit`` rows are drawn (the last one always kept)."""
    return frame.iloc[thinned(len(frame), limit)]


def loss_traces(label: str, metric_name: str) -> list[dict]:
    """The three traces of ``loss_series.TRACE_NAMES`` without their points: names, colours, axes."""
    yaxis = "y2" if metric_name == "accuracy" else "y"
    return [dict(type="scatter", mode="lines", name=label, opacity=0.6, line=dict(color=OKABE_ITO["sky"], width=1)),
            dict(type="scatter", mode="lines", name="smoothed", line=dict(color=OKABE_ITO["blue"], width=2.5)),
            dict(type="scatter", mode="markers+lines", yaxis=yaxis, name=f"validation {metric_name}",
                 line=dict(color=OKABE_ITO["orange"], width=2), marker=dict(size=6, symbol="diamond"))]


def loss_layout(metric_name: str, baseline: float, baseline_name: str = "baseline", log_y: bool = False,
                title: str | None = None, *, height: int = 320, x_title: str = "training step",
                loss_title: str = "loss", accuracy_title: str = "accuracy") -> dict:
    """The loss chart's layout: axes, the baseline's dashed line and its label.

    With accuracy as the metric, the loss (``loss_title``) has the left axis and the accuracy
    (``accuracy_title``) a right axis of 0 to 1, where the baseline is drawn.
    """
    accuracy = metric_name == "accuracy"
    yaxis = "y2" if accuracy else "y"
    layout = layout_dict(title, height=height)
    layout["shapes"] = [dict(type="line", xref="paper", x0=0, x1=1, yref=yaxis, y0=baseline, y1=baseline,
                             line=dict(color=BASELINE_COLOUR, dash="dash", width=1.5))]
    # plotly places annotations on a log axis by log10 of the value (shapes take the value itself)
    label_y = math.log10(baseline) if log_y and not accuracy and baseline > 0 else baseline
    layout["annotations"] = [dict(xref="paper", x=0, xanchor="left", yref=yaxis, y=label_y, yanchor="bottom",
                                  text=f"{baseline_name}: {shown_value(baseline)}", showarrow=False)]
    # steps are never negative: before training the empty axis runs from 0, not from -1
    layout["xaxis"] = dict(title=dict(text=x_title), rangemode="nonnegative")
    layout["yaxis"] = dict(title=dict(text=loss_title if accuracy else metric_name),
                           type="log" if log_y else "linear")
    if accuracy:
        layout["yaxis2"] = dict(title=dict(text=accuracy_title), overlaying="y", side="right", range=[0, 1.02],
                                showgrid=False)
    return layout


def loss_chart_spec(metric_name: str, baseline: float, baseline_name: str = "baseline", log_y: bool = False,
                    title: str | None = None) -> go.Figure:
    """The live loss chart without its points: all three traces (empty), and the layout. A live page
    builds it once per chart and sends ``loss_series.loss_points`` on each redraw."""
    label = loss_in_metric_units(np.zeros(0), metric_name)[1]
    data = [dict(trace, x=[], y=[]) for trace in loss_traces(label, metric_name)]
    return fast_figure(data, loss_layout(metric_name, baseline, baseline_name, log_y, title))


def make_loss_figure(history: pd.DataFrame, metric_name: str, baseline: float,
                     baseline_name: str = "baseline", log_y: bool = False,
                     title: str | None = None) -> go.Figure:
    """Training loss (raw and smoothed), validation metric and the task's baseline.

    For accuracy tasks the validation accuracy and its baseline use a right-hand axis. The points
    are ``loss_series.loss_points``'s, the ones the live chart draws.
    """
    points = loss_points({name: history[name].to_numpy() for name in ("step", "loss", "val_metric")
                          if name in history}, metric_name)
    data = [dict(trace, x=xs, y=ys) for trace, xs, ys in zip(loss_traces(points.label, metric_name), points.x, points.y)
            if xs]
    return fast_figure(data, loss_layout(metric_name, baseline, baseline_name, log_y, title))


def loss_summary(history: pd.DataFrame, metric_name: str, baseline: float, higher_is_better: bool) -> str:
    """One-line text alternative of the loss chart (``RunSummary.caption``: the tiles' numbers)."""
    return summarize(history, metric_name, baseline, higher_is_better).caption()
