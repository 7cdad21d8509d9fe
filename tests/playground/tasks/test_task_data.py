"""Real-data tasks: time splits, held-out text, NaN handling and the errors users see."""
import numpy as np
import pandas as pd
import pytest
import torch

from playground.config import RunConfig
from playground.errors import DataError
from playground.tasks import make_task
from playground.tasks.chartext import CharTextTask
from playground.tasks.series import SeriesTask, clean_values

GEN = torch.Generator


def test_series_split_is_in_time_and_validation_is_held_out():
    task = SeriesTask.from_array(np.arange(1000.0), name="ramp", title="A ramp", seq_len=10)
    assert task.name == "ramp" and task.split_bounds("train") == (0, 800) and task.split_bounds("val") == (800, 1000)
    for split, (lo, hi) in (("train", (0, 800)), ("val", (800, 1000))):
        b = task.sample(256, GEN().manual_seed(0), split)
        raw_x = b.x * float(task.std[0]) + float(task.mean[0])
        raw_y = b.y * float(task.std[0]) + float(task.mean[0])
        assert raw_x.min() > lo - 0.5 and raw_y.max() < hi - 0.5
        assert torch.allclose(raw_y[:, :-1], raw_x[:, 1:])
    assert abs(task.data[:800].mean().item()) < 1e-5      # z-scored with the TRAIN statistics


def test_series_nan_handling_and_channels():
    filled = clean_values([np.nan, 1.0, np.nan, 3.0, np.inf])
    assert filled[:, 0].tolist() == [1.0, 1.0, 2.0, 3.0, 3.0]
    two = SeriesTask.from_array(np.random.default_rng(0).normal(size=(300, 2)), seq_len=20)
    b = two.sample(4, GEN().manual_seed(0))
    assert two.input_size == two.output_size == 2 and b.x.shape == (4, 20, 2)


@pytest.mark.parametrize("values, message", [
    (np.full(500, np.nan), "no numeric values"),
    (np.arange(100.0), "too short"),
    (np.array(["a", "b"]), "numbers"),
])
def test_series_errors(values, message):
    with pytest.raises(DataError, match=message):
        SeriesTask.from_array(values, seq_len=50)


def test_temperature_is_seattle_2010_split_80_20():
    task = make_task(RunConfig(task="temperature", seq_len=48))
    assert "Seattle" in task.title and "NOAA" in task.title
    assert task.split_bounds("train") == (0, 7007) and task.split_bounds("val") == (7007, 8759)
    assert 0 < task.baseline() < 0.1     # hourly temperature: persistence is strong


def test_char_text_validation_comes_from_the_last_tenth():
    text = "ab" * 450 + "cd" * 50                 # train part only a/b, validation only c/d
    task = CharTextTask.from_text(text, name="abcd", seq_len=20)
    assert task.vocab == ("a", "b", "c", "d") and task.split_bounds("val") == (900, 1000)
    train = task.sample(64, GEN().manual_seed(0), "train")
    val = task.sample(64, GEN().manual_seed(0), "val")
    assert set(task.decode(train.x) + task.decode(train.y)) == {"a", "b"}
    assert set(task.decode(val.x) + task.decode(val.y)) == {"c", "d"}
    assert torch.equal(train.y[:, :-1], train.x[:, 1:])


def test_charlm_on_python_docs():
    task = make_task(RunConfig(task="charlm"))
    assert task.vocab_size == len(task.vocab) > 90 and task.split_bounds("val")[1] == len(task.text)
    assert 3.5 < task.baseline() < 6.0
    assert task.decode(task.encode("def f(x):")) == "def f(x):"
    assert task.decode(task.encode("a\x00b")) == "ab"      # unknown characters are dropped


@pytest.mark.parametrize("text, message", [("short text", "too short"), ("a" * 5000, "2 distinct")])
def test_char_text_errors(text, message):
    with pytest.raises(DataError, match=message):
        CharTextTask.from_text(text, seq_len=50)


def labelled_frame(n: int, labels=("good", "bad")) -> pd.DataFrame:
    texts = [f"Review {i}: it was {'not ' if i % 3 else ''}{labels[i % len(labels)]}!" for i in range(n)]
    return pd.DataFrame({"text": texts, "label": [labels[i % len(labels)] for i in range(n)]})


def test_text_class_from_frame():
    from playground.tasks.textclass import TextClassTask

    df = labelled_frame(40)
    df.loc[3, "text"] = "   "                   # empty texts are dropped
    df.loc[4, "label"] = None
    task = TextClassTask.from_frame(df, "text", "label", seq_len=8)
    assert task.classes == ("bad", "good") and task.output_size == 2
    assert len(task.y["train"]) + len(task.y["val"]) == 38 and len(task.y["val"]) == 8
    b = task.sample(5, GEN().manual_seed(0))
    assert b.x.shape == (5, 8) and (b.x[:, -1] != 0).all()   # left-padded: the last step is real
    example = task.describe_example(b, torch.randn(5, 8, 2), 0)
    assert example["kind"] == "label" and example["target"] in task.classes and "it was" in example["text"]


@pytest.mark.parametrize("df, message", [
    (labelled_frame(40, labels=("good",)), "at least 2 different labels"),
    (labelled_frame(6), "too few"),
    (labelled_frame(40).rename(columns={"label": "y"}), "no column 'label'"),
])
def test_text_class_errors(df, message):
    from playground.tasks.textclass import TextClassTask

    with pytest.raises(DataError, match=message):
        TextClassTask.from_frame(df, "text", "label")
