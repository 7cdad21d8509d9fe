"""Many-to-one text classification over word tokens: the generated sentiment corpus or a user's CSV.

``TextClassTask`` is the generic machinery (``from_frame`` for a labelled table);
``SentimentTask`` is a thin instance of it on the generated corpus of ``sentences.py``.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import torch

from playground.errors import DataError
from playground.tasks.base import Batch, Task
from playground.tasks.common import majority_accuracy
from playground.tasks.sentences import CLASSES, generated_corpus

PAD, UNK = 0, 1
SPECIALS = ("<pad>", "<unk>")
MAX_VOCAB = 10_000     # most frequent training words kept; the rest read as <unk>
MIN_ROWS = 10
VAL_FRACTION = 0.2     # of a user's rows, held out after a seeded shuffle
_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens; each punctuation mark is a token of its own."""
    return _TOKEN.findall(str(text).lower())


@dataclass(eq=False)
class TextCorpus:
    """Tokenised, labelled texts, left-padded with <pad> (id 0) to the longest text.

    vocab: id -> word (0 <pad>, 1 <unk>). classes: id -> label name.
    train_ids, val_ids: (N, L) long. train_y, val_y: (N,) long class ids.
    """

    vocab: tuple[str, ...]
    classes: tuple[str, ...]
    train_ids: torch.Tensor
    train_y: torch.Tensor
    val_ids: torch.Tensor
    val_y: torch.Tensor


def build_corpus(train: list[tuple[list[str], int]], val: list[tuple[list[str], int]],
                 classes: tuple[str, ...]) -> TextCorpus:
    """Vocabulary from the training rows; every row as left-padded ids. Rows: (tokens, class id)."""
    counts = Counter(w for tokens, _ in train for w in tokens)
    words = sorted(counts, key=lambda w: (-counts[w], w))[:MAX_VOCAB]
    vocab = SPECIALS + tuple(sorted(words))
    index = {w: i for i, w in enumerate(vocab)}
    width = max(len(tokens) for tokens, _ in train + val)

    def encode(rows):
        ids = torch.full((len(rows), width), PAD, dtype=torch.long)
        for r, (tokens, _) in enumerate(rows):
            ids[r, width - len(tokens):] = torch.tensor([index.get(w, UNK) for w in tokens], dtype=torch.long)
        return ids, torch.tensor([label for _, label in rows], dtype=torch.long)

    return TextCorpus(vocab, tuple(classes), *encode(train), *encode(val))


@lru_cache(maxsize=1)
def sentiment_corpus() -> TextCorpus:
    """The generated sentiment corpus, tokenised once."""
    train, val = generated_corpus()
    return build_corpus([(tokenize(t), y) for t, y in train], [(tokenize(t), y) for t, y in val], CLASSES)


def fit_width(ids: torch.Tensor, T: int) -> torch.Tensor:
    """Left-padded (N, L) ids -> (N, T): more <pad> on the left, or the first tokens cut off."""
    N, L = ids.shape
    if T >= L:
        return torch.cat((torch.full((N, T - L), PAD, dtype=torch.long), ids), 1)
    return ids[:, L - T:].contiguous()


@dataclass
class TextClassTask(Task):
    """Classify a text from its word tokens; the answer is read at the last step.

    Encoding, seq_len T=5, "not bad at all" labelled positive::

        x = <pad> not bad at all  -> 0 17 5 3 2   (B, T) ids, PADDED ON THE LEFT so the last
        y = positive              -> 1             step is the real end of the text   (B,)

    Texts longer than seq_len are truncated from the LEFT (their end is kept): a short seq_len
    can hide a negation, which is worth seeing. Unknown words read as <unk>.
    Topology: many-to-one; cross-entropy on the last step; accuracy.
    Baseline: always answer the training set's majority class, scored on the validation set.
    Labels: the class id.
    """

    corpus: TextCorpus | None = field(default=None, repr=False, compare=False)
    name = "textclass"
    title = "Classify texts"
    loss_kind = "ce"
    metric_name = "accuracy"
    higher_is_better = True

    explain = "Read a text word by word and classify it at the end."
    defaults = {"seq_len": 20}

    def __post_init__(self) -> None:
        if self.corpus is None:
            self.corpus = self.load()
        c = self.corpus
        self.vocab, self.classes = c.vocab, c.classes
        self.vocab_size = self.input_size = len(c.vocab)
        self.output_size = len(c.classes)
        self.x = {"train": fit_width(c.train_ids, self.seq_len), "val": fit_width(c.val_ids, self.seq_len)}
        self.y = {"train": c.train_y, "val": c.val_y}

    def load(self) -> TextCorpus:
        """The built-in corpus; the generic class has none (use ``from_frame``)."""
        raise DataError("no texts given: build the task with TextClassTask.from_frame(df, text_col, label_col)")

    @classmethod
    def from_frame(cls, df, text_col: str, label_col: str, name: str = "textclass",
                   title: str = "Uploaded labelled texts", seq_len: int = 50, seed: int = 0) -> "TextClassTask":
        """A classifier of a user's table: rows with empty text or label are dropped; a seeded 20% validates."""
        import pandas as pd

        for col in (text_col, label_col):
            if col not in df.columns:
                raise DataError(f"no column '{col}' in the table (columns: {', '.join(map(str, df.columns))})")
        rows = []
        for text, label in zip(df[text_col].tolist(), df[label_col].tolist()):
            if pd.isna(text) or pd.isna(label):
                continue
            tokens, label = tokenize(text), str(label).strip()
            if tokens and label:
                rows.append((tokens, label))
        if len(rows) < MIN_ROWS:
            raise DataError(f"too few usable rows: {len(rows)} with a non-empty text and label; need {MIN_ROWS}")
        classes = tuple(sorted({label for _, label in rows}))
        if len(classes) < 2:
            raise DataError(f"need at least 2 different labels in '{label_col}' (found only '{classes[0]}')")
        random.Random(seed).shuffle(rows)
        n_val = max(2, round(VAL_FRACTION * len(rows)))
        class_id = {c: i for i, c in enumerate(classes)}
        rows = [(tokens, class_id[label]) for tokens, label in rows]
        task = cls(seq_len=seq_len, corpus=build_corpus(rows[n_val:], rows[:n_val], classes))
        task.name, task.title = name, title
        return task

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Random rows (with replacement) of the split."""
        split = "val" if split == "val" else "train"
        idx = torch.randint(0, len(self.y[split]), (batch_size,), generator=generator)
        y = self.y[split][idx]
        return Batch(self.x[split][idx], y, labels=y)

    def compute_baseline(self) -> float:
        """Training majority class, scored on the whole validation set."""
        return majority_accuracy(self.y["train"], self.y["val"], self.output_size)

    def baseline_name(self) -> str:
        """The input-blind predictor."""
        return "always answer the most common training label"

    def decode(self, ids: torch.Tensor) -> str:
        """Token ids -> the text, without padding."""
        return " ".join(self.vocab[i] for i in ids.tolist() if i != PAD)

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """The text with its true and predicted label names."""
        return {"kind": "label", "text": self.decode(batch.x[index]),
                "target": self.classes[int(batch.y[index])],
                "prediction": self.classes[int(out[index, -1].argmax())]}


@dataclass
class SentimentTask(TextClassTask):
    """Sentiment of generated sentences with negations and intensifiers (see ``sentences.py``).

    Example, seq_len T=6: "<pad> it was not very bad" -> positive; "it was really not good"
    -> negative. 4,000 training and 1,000 validation sentences, fixed and disjoint, 3 to 11
    words. Everything else as TextClassTask: many-to-one, accuracy, baseline the majority class.
    """

    name = "sentiment"
    title = "Sentiment of generated sentences (negation, intensifiers)"

    explain = ("Positive or negative? The sentences are generated so that the label needs memory: "
               "'not' flips the adjective that comes after it, 'but' hands the verdict to the last clause.")
    defaults = {"seq_len": 12}

    def load(self) -> TextCorpus:
        """The generated corpus."""
        return sentiment_corpus()
