"""The generated sentiment corpus: fixed disjoint splits, labels that follow the negation rule."""
import torch

from playground.config import RunConfig
from playground.tasks import TASKS, make_task
from playground.tasks.sentences import NEGATIVE, NEGATORS, POSITIVE, generated_corpus, make_sentence
from playground.tasks.textclass import PAD


def rule_label(sentence: str) -> int:
    """Oracle: the last clause's adjective, flipped by a negator in that clause."""
    clause = sentence.split(" but ")[-1].split()
    adjective = next(w for w in reversed(clause) if w in POSITIVE or w in NEGATIVE)
    negated = any(w in NEGATORS for w in clause)
    return int((adjective in POSITIVE) != negated)


def test_corpus_is_fixed_disjoint_and_fits_the_default_length():
    train, val = generated_corpus()
    assert len(train) == 4000 and len(val) == 1000
    assert not {t for t, _ in train} & {t for t, _ in val}
    longest = max(len(t.split()) for t, _ in train + val)
    assert longest <= TASKS["sentiment"].defaults["seq_len"]
    assert 0.4 < sum(y for _, y in train) / len(train) < 0.6


def test_labels_follow_negation_and_intensifiers():
    train, val = generated_corpus()
    assert all(rule_label(t) == y for t, y in train + val)
    import random

    rng = random.Random(7)
    assert all(rule_label(t) == y for t, y in (make_sentence(rng) for _ in range(500)))


def test_left_padding_and_truncation_keep_the_end():
    long = make_task(RunConfig(task="sentiment", seq_len=20))
    short = make_task(RunConfig(task="sentiment", seq_len=4))
    g = torch.Generator
    a, b = long.sample(32, g().manual_seed(0)), short.sample(32, g().manual_seed(0))
    assert torch.equal(a.y, b.y) and torch.equal(a.x[:, -4:], b.x)
    assert (a.x[:, -1] != PAD).all() and (a.x[:, 0] == PAD).all()
    text = long.describe_example(a, torch.zeros(32, 20, 2), 0)["text"]
    assert "<pad>" not in text and rule_label(text) == int(a.y[0])


def test_val_split_is_the_held_out_sentences():
    task = make_task(RunConfig(task="sentiment", seq_len=12))
    _, val = generated_corpus()
    texts = {task.decode(row) for row in task.x["val"]}
    assert texts == {t for t, _ in val}
    assert 0.4 < task.baseline() < 0.6
