"""Figures of the training run: loss and validation metric against steps, with the baseline.

The loss is plotted in the units ``playground.engine.run_summary`` gives it, so the chart's last point
is the number the tiles and the caption show.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from playground.figures.style import BASELINE_COLOUR, OKABE_ITO, fast_figure, layout_dict
from playground.engine.run_summary import loss_in_metric_units, shown as shown_value, summarize

MAX_POINTS = 1500


def smooth(values: np.ndarray, weight: float = 0.9) -> np.ndarray:
    """TensorBoard's debiased exponential moving average.

    y_t = sum_k weight^k x_(t-k) / sum_k weight^k, which is pandas' adjusted EWM.
    """
    return pd.Series(values, dtype=float).ewm(alpha=1 - weight, adjust=True).mean().to_numpy()


def thin(frame: pd.DataFrame, limit: int = MAX_POINTS) -> pd.DataFrame:
    """Every k-th row so that at most ``limit`` rows are drawn (the last one always kept)."""
    if len(frame) <= limit:
        return frame
    k = math.ceil(len(frame) / limit)
    return pd.concat([frame.iloc[::k], frame.iloc[[-1]]]).drop_duplicates("step")


def make_loss_figure(history: pd.DataFrame, metric_name: str, baseline: float,
                     baseline_name: str = "baseline", log_y: bool = False,
                     title: str | None = None) -> go.Figure:
    """Training loss (raw and smoothed), validation metric and the task's baseline.

    For accuracy tasks the validation accuracy and its baseline use a right-hand axis.
    """
    data = []
    frame = history.dropna(subset=["loss"]) if len(history) else history
    if len(frame):
        loss, label = loss_in_metric_units(frame["loss"].to_numpy(), metric_name)
        shown = thin(frame.assign(loss_shown=loss, smoothed=smooth(loss)))
        data.append(dict(type="scatter", x=shown["step"].to_numpy(), y=shown["loss_shown"].to_numpy(),
                         mode="lines", name=label, opacity=0.6,
                         line=dict(color=OKABE_ITO["sky"], width=1)))
        data.append(dict(type="scatter", x=shown["step"].to_numpy(), y=shown["smoothed"].to_numpy(),
                         mode="lines", name="smoothed", line=dict(color=OKABE_ITO["blue"], width=2.5)))
    accuracy = metric_name == "accuracy"
    yaxis = "y2" if accuracy else "y"
    val = history.dropna(subset=["val_metric"]) if "val_metric" in history else history.iloc[:0]
    if len(val):
        data.append(dict(type="scatter", x=val["step"].to_numpy(), y=val["val_metric"].to_numpy(),
                         mode="markers+lines", yaxis=yaxis, name=f"validation {metric_name}",
                         line=dict(color=OKABE_ITO["orange"], width=2), marker=dict(size=6, symbol="diamond")))
    layout = layout_dict(title)
    layout["shapes"] = [dict(type="line", xref="paper", x0=0, x1=1, yref=yaxis, y0=baseline, y1=baseline,
                             line=dict(color=BASELINE_COLOUR, dash="dash", width=1.5))]
    # plotly places annotations on a log axis by log10 of the value (shapes take the value itself)
    label_y = math.log10(baseline) if log_y and not accuracy and baseline > 0 else baseline
    layout["annotations"] = [dict(xref="paper", x=0, xanchor="left", yref=yaxis, y=label_y, yanchor="bottom",
                                  text=f"{baseline_name}: {shown_value(baseline)}", showarrow=False)]
    layout["xaxis"] = dict(title=dict(text="training step"))
    layout["yaxis"] = dict(title=dict(text="loss" if accuracy else metric_name), type="log" if log_y else "linear")
    if accuracy:
        layout["yaxis2"] = dict(title=dict(text="accuracy"), overlaying="y", side="right", range=[0, 1.02],
                                showgrid=False)
    return fast_figure(data, layout)


def loss_summary(history: pd.DataFrame, metric_name: str, baseline: float, higher_is_better: bool) -> str:
    """One-line text alternative of the loss chart (``RunSummary.caption``: the tiles' numbers)."""
    return summarize(history, metric_name, baseline, higher_is_better).caption()
