"""Teacher forcing and free-running on one text: each row against an independent reading."""
import math

import pytest
import torch

from models.architectures import ARCH_NAMES, DEFAULT_ARCH
from models.network import build_network
from playground.config import RunConfig
from playground.errors import DataError
from playground.lessons.language import (forced_and_free, read_text, small_charlm_config, text_ids, train_small,
                                         validation_excerpt)
from playground.tasks import make_task

TEXT = "The return value is a new list.\nThe items are sorted."


def small_model(arch, seed=0):
    config = RunConfig(arch=arch, task="charlm", seq_len=16, hidden=8, seed=seed)
    task = make_task(config)
    return build_network(config, task, torch.Generator().manual_seed(seed)).double(), task


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_forced_reads_the_truth_and_free_reads_itself(arch):
    net, task = small_model(arch)
    P = 7
    both = forced_and_free(net, task, TEXT, P)
    reading = read_text(net, task, TEXT)                                 # the replay path, independent
    truth = TEXT[P:]
    assert both.prompt == TEXT[:P] and both.truth == truth and len(both.forced) == len(both.free) == len(truth)
    assert both.forced == "".join(task.decode([int(k)]) for k in reading.probs[P - 1:-1].argmax(axis=1))
    text = TEXT[:P]
    with torch.no_grad():
        for _ in truth:                                                  # greedy, recomputed from scratch each time
            text += task.decode([int(net.replay(text_ids(task, text)).out[0, -1].argmax())])
    assert both.free == text[P:]
    assert both.free[0] == both.forced[0]                                # the same prefix, so the same first guess
    ids = text_ids(task, TEXT)[0]
    bits = -sum(math.log2(reading.probs[t, int(ids[t + 1])]) for t in range(len(ids) - 1)) / (len(ids) - 1)
    assert both.bits_per_char == pytest.approx(bits, rel=1e-6) and both.perplexity == pytest.approx(2 ** bits)


def test_rows_stay_aligned_and_bad_texts_are_errors():
    net, task = small_model(DEFAULT_ARCH)
    both = forced_and_free(net, task, TEXT, 100)                          # the prompt is kept below the length
    assert len(both.truth) == 1
    both = forced_and_free(net, task, TEXT, 3)
    lines = [line for line in both.rows(width=20).split("\n") if line]
    assert len({len(line) for line in lines[:-3]}) == 1 and "↵" in both.rows()
    assert [line[:8].strip() for line in lines[:3]] == ["text", "forced", "free"]
    with pytest.raises(DataError):
        forced_and_free(net, task, "T", 1)
    with pytest.raises(DataError):
        forced_and_free(net, task, "\u2603\u2603", 1)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trained_model_guesses_better_forced_than_free_running(seed):
    """The claims of pages/text/language_forcing.md for the small model this page trains, on its default
    text: free-running soon drifts from the true text (tolerance: it matches at least 10 points fewer
    characters than teacher forcing guesses, and leaves the text within 20 characters) and repeats itself
    (some 10 characters of it occur at least 3 times)."""
    trainer = train_small(small_charlm_config(seed=seed))
    text = validation_excerpt(trainer.task)
    both = forced_and_free(trainer.net, trainer.task, text, 20)
    assert both.forced_hits > both.free_hits + 0.1
    assert both.free_leaves_at is not None and both.free_leaves_at < 20
    free = both.free
    assert any(free.count(free[k:k + 10]) >= 3 for k in range(len(free) - 10))
