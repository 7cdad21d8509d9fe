"""A generated sentiment corpus whose labels need memory: negations and intensifiers.

Grammar (one sentence)::

    subject verb [mods] adjective ["but" [mods] adjective] [ending]

    mods:  up to two of: a negator (not, never, hardly; at most one) and intensifiers
           (very, really, so, quite, truly)
    label: the polarity of the LAST adjective, flipped when its mods hold a negator

    "the film was not bad"                     -> positive
    "the plot was hardly great"                -> negative
    "it was really not good"                   -> negative
    "the acting was not very bad overall"      -> positive
    "the story was good but really dull !"     -> negative

Sentences are 3 to 11 tokens. The corpus is generated once with a fixed seed: 5,000 distinct
sentences, the first 4,000 for training and the last 1,000 for validation (disjoint sets).
"""
from __future__ import annotations

import random
from functools import lru_cache

SUBJECTS = ("the movie", "the film", "the plot", "the acting", "the story", "the ending",
            "this book", "the music", "the food", "it")
VERBS = ("was", "is", "seemed", "felt", "looked")
NEGATORS = ("not", "never", "hardly")
INTENSIFIERS = ("very", "really", "so", "quite", "truly")
POSITIVE = ("good", "great", "fun", "nice", "brilliant", "lovely", "clever", "superb")
NEGATIVE = ("bad", "awful", "boring", "dull", "poor", "terrible", "weak", "silly")
ENDINGS = ("overall", "honestly", "!", ".")
CLASSES = ("negative", "positive")

CORPUS_SEED = 2024
N_TRAIN, N_VAL = 4000, 1000


def _phrase(rng: random.Random) -> tuple[list[str], int]:
    """[mods] adjective -> (tokens, polarity 0/1 after any negation)."""
    negated = rng.random() < 0.5
    mods = [rng.choice(NEGATORS)] if negated else []
    for _ in range(rng.choice((0, 0, 1, 1, 2)) - len(mods)):
        mods.insert(rng.randrange(len(mods) + 1), rng.choice(INTENSIFIERS))
    positive = rng.random() < 0.5
    adjective = rng.choice(POSITIVE if positive else NEGATIVE)
    return mods + [adjective], int(positive != negated)


def make_sentence(rng: random.Random) -> tuple[str, int]:
    """One sentence and its label (0 negative, 1 positive)."""
    words, label = _phrase(rng)
    tokens = [rng.choice(SUBJECTS), rng.choice(VERBS), *words]
    if rng.random() < 0.3:
        words, label = _phrase(rng)
        tokens += ["but", *words]
    if rng.random() < 0.3:
        tokens.append(rng.choice(ENDINGS))
    return " ".join(tokens), label


@lru_cache(maxsize=1)
def generated_corpus() -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, int], ...]]:
    """(train, val): fixed, disjoint tuples of (sentence, label)."""
    rng, seen, rows = random.Random(CORPUS_SEED), set(), []
    while len(rows) < N_TRAIN + N_VAL:
        text, label = make_sentence(rng)
        if text not in seen:
            seen.add(text)
            rows.append((text, label))
    return tuple(rows[:N_TRAIN]), tuple(rows[N_TRAIN:])
