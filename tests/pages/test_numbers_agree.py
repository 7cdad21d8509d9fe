"""The train and compare pages show each number once: metric tiles, chart caption and the chart's last points agree."""
import base64
import json
import re

import numpy as np
import pytest

from page_runner import open_page, tile_values
from playground.engine.run_summary import shown


def loss_chart_ends(at) -> dict[str, float]:
    """The last y of each trace of the live loss chart, by trace name: its spec names the traces, its
    points (a full page run sends them all) give the values."""
    for element in at.get("bidi_component"):
        data = json.loads(element.proto.json)
        if "spec" in data:
            figure = {"data": [dict(trace, y=ys) for trace, ys in zip(data["spec"]["data"], data["series"]["y"]) if ys]}
        else:
            figure = data.get("figure", {})
        names = [trace.get("name", "") for trace in figure.get("data", [])]
        if any(name.startswith("training loss") for name in names):
            ends = {}
            for trace in figure["data"]:
                y = trace["y"]
                values = np.frombuffer(base64.b64decode(y["bdata"]), y["dtype"]) if isinstance(y, dict) else y
                ends[trace["name"]] = float(values[-1])
            return ends
    raise AssertionError("no loss chart on the page")


def numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)


@pytest.mark.parametrize("task, unit", [("charlm", "bits/char"), ("adding", "MSE")])
def test_train_tiles_match_the_caption_and_the_chart(task, unit):
    at = open_page("train", {"task": task, "seq_len": "12", "hidden": "8"}, direct=True)
    for _ in range(3):
        at.button(key="live_run_step").click().run()
    assert not at.exception
    tiles = tile_values(at)
    loss_tile, val_tile = tiles[f"Training loss ({unit})"], tiles[f"Validation {unit}"]
    caption = next(c.value for c in at.caption if c.value.startswith("After "))
    assert f"training loss ({unit}) is {loss_tile['value']}" in caption
    assert f"validation {unit} {val_tile['value']}," in caption
    better = "not better" not in caption
    delta = float(val_tile["delta"].split()[0])
    assert (delta < 0) is better                       # the arrow points the way the caption says
    assert val_tile["arrow"] == ("down" if delta < 0 else "up") and val_tile["tone"] == ("good" if better else "bad")
    assert tiles[f"Baseline {unit}"]["value"] in caption
    ends = loss_chart_ends(at)                          # the chart's last points, as the reader sees them
    assert shown(ends[f"training loss ({unit})"]) == loss_tile["value"]
    assert shown(ends[f"validation {unit}"]) == val_tile["value"]


def test_compare_tiles_match_the_caption():
    at = open_page("compare", {"task": "adding", "seq_len": "8", "hidden": "4"}, direct=True)
    step = next(b for b in at.button if "Step" in b.label)
    step.click().run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "Baseline MSE" in c.value)
    tiles = tile_values(at)
    assert len(tiles) == 4 and not at.metric                  # three architectures and the baseline, as tiles
    for label, tile in tiles.items():
        assert tile["value"] in numbers(caption) or tile["value"] == "—", (label, tile["value"], caption)
