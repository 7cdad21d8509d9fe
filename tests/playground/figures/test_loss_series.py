"""The live loss chart's payloads: the points agree with the static figure and the tiles, and a browser
that applies only the redraws' tails (even every other one) ends up holding exactly the chart's points."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from playground.engine.history import History, history_frame
from playground.engine.run_summary import summarize, with_latest_validation
from playground.figures.loss_series import (FULL_EVERY, MAX_POINTS, loss_points, redraw_payload, summary_of)
from playground.figures.training import make_loss_figure


def grown(history: History, start: int, count: int, rng) -> None:
    """Append ``count`` training rows after step ``start``; every 7th carries a validation value."""
    for step in range(start + 1, start + count + 1):
        history.append({"step": step, "loss": float(rng.random()) / math.sqrt(step),
                        "val_metric": float(rng.random()) if step % 7 == 0 else None})


def take(held: dict | None, series: dict) -> dict | None:
    """What the chart's script does with a redraw's points (``take`` in ``live_points_chart``); None
    where it would ask for every point again."""
    fresh = all(s == 0 for s in series["start"])
    if held is None or held["epoch"] != series["epoch"]:
        return {"epoch": series["epoch"], "x": [list(a) for a in series["x"]], "y": [list(a) for a in series["y"]]} \
            if fresh else None
    if any(s > len(xs) for s, xs in zip(series["start"], held["x"])):
        return None
    start = series["start"]
    return {"epoch": series["epoch"], "x": [xs[:s] + new for s, xs, new in zip(start, held["x"], series["x"])],
            "y": [ys[:s] + new for s, ys, new in zip(start, held["y"], series["y"])]}


@pytest.mark.parametrize("metric", ["MSE", "bits/char", "accuracy"])
@pytest.mark.parametrize("rows", [0, 1, 40, MAX_POINTS + 333])
def test_points_say_what_the_tiles_and_the_static_figure_say(metric, rows):
    rng = np.random.default_rng(rows)
    history = History(capacity=4096)
    grown(history, 0, rows, rng)
    step, last_val = rows + 3, 0.25
    columns = history.arrays()
    points = loss_points(columns, metric, step, last_val)
    frame = with_latest_validation(history_frame(columns), step, last_val)
    assert summary_of(points, metric, 0.5, False) == summarize(frame, metric, 0.5, False)
    figure = make_loss_figure(frame, metric, 0.5)
    drawn = [(list(t.x), list(t.y)) for t in figure.data]
    assert drawn == [(xs, ys) for xs, ys in zip(points.x, points.y) if xs]
    assert all(len(xs) <= MAX_POINTS + 1 for xs in points.x)


def test_a_browser_applying_only_tails_holds_every_point_even_when_it_drops_every_other_redraw():
    rng = np.random.default_rng(0)
    history = History(capacity=512)                  # small: the older half is merged several times
    sent, held, tails = None, None, []
    for update in range(400):
        grown(history, int(history.last()["step"]) if len(history) else 0, int(rng.integers(1, 9)), rng)
        step = int(history.last()["step"])
        points = loss_points(history.arrays(), "MSE", step, 0.1 * (update % 3), limit=300)
        payload, sent = redraw_payload(sent, ("spec",), points, full=update == 0)
        json.dumps(payload, allow_nan=False)          # what travels is plain JSON
        tails.append(len(payload["series"]["x"][0]))
        if update % 2 and update % FULL_EVERY:        # this one is never drawn (the browser drew the next)
            continue
        taken = take(held, payload["series"])
        if taken is None:                             # the browser asks for everything: the next redraw sends it
            sent = None
            continue
        held = taken
        assert held["x"] == points.x and held["y"] == points.y, f"update {update}"
    assert held is not None
    assert sorted(tails)[len(tails) // 2] < 40        # a redraw carries the new points, not the whole curve


def test_every_point_is_sent_on_a_full_run_a_new_spec_and_a_new_epoch():
    rng = np.random.default_rng(1)
    history = History(capacity=64)
    grown(history, 0, 20, rng)
    points = loss_points(history.arrays(), "MSE")
    payload, sent = redraw_payload(None, "a", points, full=False)
    assert payload["series"]["start"] == [0, 0, 0]
    grown(history, 20, 3, rng)
    points = loss_points(history.arrays(), "MSE")
    assert redraw_payload(sent, "a", points, full=False)[0]["series"]["start"][0] > 0
    assert redraw_payload(sent, "a", points, full=True)[0]["series"]["start"] == [0, 0, 0]
    assert redraw_payload(sent, "log", points, full=False)[0]["series"]["start"] == [0, 0, 0]
    grown(history, 23, 64, rng)                       # the older half merged: the first step moved
    merged = loss_points(history.arrays(), "MSE")
    assert merged.epoch != points.epoch
    assert redraw_payload(sent, "a", merged, full=False)[0]["series"]["start"] == [0, 0, 0]
