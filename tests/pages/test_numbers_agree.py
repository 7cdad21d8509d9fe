"""The train and compare pages show each number once-computed: tiles, caption and chart agree."""
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).resolve().parents[2] / "pages"


def numbers(text: str) -> list[str]:
    return re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)


@pytest.mark.parametrize("task, unit", [("charlm", "bits/char"), ("adding", "MSE")])
def test_train_tiles_match_the_caption_and_the_chart(task, unit):
    at = AppTest.from_file(str(PAGES / "train.py"), default_timeout=120)
    for key, value in {"task": task, "seq_len": "12", "hidden": "8"}.items():
        at.query_params[key] = value
    at.run()
    for _ in range(3):
        at.button(key="live_run_step").click().run()
    assert not at.exception
    tiles = {m.label: m for m in at.metric}
    loss_tile, val_tile = tiles[f"Training loss ({unit})"], tiles[f"Validation {unit}"]
    caption = next(c.value for c in at.caption if c.value.startswith("After "))
    assert f"training loss ({unit}) is {loss_tile.value}" in caption
    assert f"validation {unit} {val_tile.value}," in caption
    better = "not better" not in caption
    delta = float(val_tile.proto.delta.split()[0])
    assert (delta < 0) is better                       # the arrow points the way the caption says
    assert tiles[f"Baseline {unit}"].value in caption
    run = at.session_state["live_run"]
    frame = run.history_frame()
    plotted = frame["loss"].iloc[-1] / (0.6931471805599453 if unit == "bits/char" else 1.0)
    assert f"{plotted:.4g}" == loss_tile.value


def test_compare_tiles_match_the_caption():
    at = AppTest.from_file(str(PAGES / "compare.py"), default_timeout=180)
    for key, value in {"task": "adding", "seq_len": "8", "hidden": "4"}.items():
        at.query_params[key] = value
    at.run()
    step = next(b for b in at.button if "Step" in b.label)
    step.click().run()
    assert not at.exception
    caption = next(c.value for c in at.caption if "Baseline MSE" in c.value)
    for tile in at.metric:
        assert tile.value in numbers(caption) or tile.value == "—", (tile.label, tile.value, caption)
