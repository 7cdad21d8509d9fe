"""Character-level language modelling on real text, split by position.

``CharTextTask`` is the generic machinery (any text, e.g. a user's upload); ``CharLMTask``
is a thin instance of it on Python's documentation prose from the standard library.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch

from playground.errors import DataError
from playground.tasks.base import Batch, Task

TRAIN_FRACTION = 0.9   # the first 90% of the characters train, the last 10% validate


@lru_cache(maxsize=8)
def encode_corpus(text: str) -> tuple[tuple[str, ...], torch.Tensor]:
    """(vocab = sorted distinct characters, ids (N,) long) of a whole text, cached."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)   # one code point per char
    distinct = np.unique(codes)
    ids = np.searchsorted(distinct, codes)
    return tuple(chr(c) for c in distinct.tolist()), torch.from_numpy(ids.astype(np.int64))


@lru_cache(maxsize=1)
def python_docs_text() -> str:
    """Python's documentation prose (pydoc_data.topics, standard library), about 465k characters."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k] for k in sorted(topics))


def min_text_length(seq_len: int) -> int:
    """Shortest text whose train and validation parts each hold one window of seq_len + 1."""
    need = seq_len + 1
    n = max(need + 2, math.ceil(need / (1 - TRAIN_FRACTION)))
    while int(n * TRAIN_FRACTION) < need or n - int(n * TRAIN_FRACTION) < need:
        n += 1
    return n


@dataclass
class TextWindows:
    """``B`` readers of the training text, each walking its own stretch in consecutive windows.

    Reader b's window w holds the T + 1 characters from s_b + w·T (inputs, and the targets one
    character later), so window w + 1 starts where window w's inputs stopped. Text "abcdefg",
    T = 3, one reader at 0: window 0 is x = abc, y = bcd; window 1 is x = def, y = efg.
    ``count`` windows make one pass; then the readers start again at s_b. The stretches are
    evenly spaced and apart; in a text too short for that they overlap.
    """

    ids: torch.Tensor            # (N,) the whole text
    starts: torch.Tensor         # (B, 1) s_b
    seq_len: int                 # T
    count: int                   # windows in one pass

    def window(self, index: int) -> Batch:
        """Window ``index`` mod ``count`` of every reader."""
        offsets = self.starts + (index % self.count) * self.seq_len + torch.arange(self.seq_len + 1)
        window = self.ids[offsets]                                       # (B, T+1)
        return Batch(window[:, :-1], window[:, 1:])


@dataclass
class CharTextTask(Task):
    """Next-character prediction: read characters, at each step predict the next one.

    Encoding, seq_len T=4 on the text "hello" (vocab e h l o -> ids 0 1 2 3)::

        x = h e l l  -> 1 0 2 2     (B, T) ids, embedded by the network
        y = e l l o  -> 0 2 2 3     (B, T) the next character

    Split by position: the first 90% of the text trains, the last 10% validates (no window
    crosses the boundary). Vocabulary: the sorted distinct characters of the whole text.
    Topology: many-to-many (synchronised); cross-entropy at every step; bits per character.
    Besides windows at random starts (``sample``), the training text reads as ``batch_size``
    streams of consecutive windows (``windows``), for runs that carry h across windows.
    Baseline: a unigram model (training character frequencies, add-one smoothed) scored on the
    validation text, in bits/char.
    """

    future_in_targets = True      # the targets are later values: reading ahead would read the answer

    text: str | None = field(default=None, repr=False, compare=False)
    name = "chartext"
    title = "Character-level language model"
    topology = "many-to-many (synchronised)"
    loss_kind = "ce"
    metric_name = "bits/char"
    streams = True

    explain = ("Predict each next character. Bits/char below the unigram baseline means the net "
               "uses context: first common letter pairs, then words, then layout.")
    defaults = {"seq_len": 50, "hidden": 128, "lr": 0.005}

    def __post_init__(self) -> None:
        if self.text is None:
            self.text = self.load()
        if not isinstance(self.text, str):
            raise DataError("the text must be a string")
        n, need = len(self.text), min_text_length(self.seq_len)
        if n < need:
            raise DataError(f"text too short: {n} characters, but seq_len={self.seq_len} needs at least {need} "
                            f"(one window of {self.seq_len + 1} in the last 10% kept for validation)")
        self.vocab, self.ids = encode_corpus(self.text)
        if len(self.vocab) < 2:
            raise DataError("the text needs at least 2 distinct characters")
        self.stoi = {ch: i for i, ch in enumerate(self.vocab)}
        self.vocab_size = self.input_size = self.output_size = len(self.vocab)
        n_train = int(n * TRAIN_FRACTION)
        self.bounds = {"train": (0, n_train), "val": (n_train, n)}
        self._offsets = torch.arange(self.seq_len + 1)

    def load(self) -> str:
        """The built-in text; the generic class has none (use ``from_text``)."""
        raise DataError("no text given: build the task with CharTextTask.from_text(text)")

    @classmethod
    def from_text(cls, text: str, name: str = "chartext", title: str = "Uploaded text",
                  seq_len: int = 50) -> "CharTextTask":
        """A character-level language model of a user's text (DataError when unusable)."""
        task = cls(seq_len=seq_len, text=text)
        task.name, task.title = name, title
        return task

    def encode(self, text: str) -> torch.Tensor:
        """Characters -> (N,) long ids; characters outside the vocabulary are dropped."""
        return torch.tensor([self.stoi[ch] for ch in text if ch in self.stoi], dtype=torch.long)

    def decode(self, ids) -> str:
        """Ids (a tensor or a list) -> the string."""
        if isinstance(ids, torch.Tensor):
            ids = ids.reshape(-1).tolist()
        return "".join(self.vocab[i] for i in ids)

    def split_bounds(self, split: str) -> tuple[int, int]:
        """[start, stop) character positions of ``split``."""
        return self.bounds["val" if split == "val" else "train"]

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Windows of T+1 characters at uniform random starts inside the split."""
        lo, hi = self.split_bounds(split)
        starts = torch.randint(lo, hi - self.seq_len, (batch_size, 1), generator=generator)
        window = self.ids[starts + self._offsets]                        # (B, T+1)
        return Batch(window[:, :-1], window[:, 1:])

    def windows(self, batch_size: int) -> "TextWindows":
        """The training text as ``batch_size`` readers of consecutive windows (see ``TextWindows``)."""
        lo, hi = self.split_bounds("train")
        T = self.seq_len
        count = max(1, (hi - lo - 1) // batch_size // T)
        spare = hi - lo - 1 - count * T                 # >= 0: the train part holds one window of T + 1
        starts = lo + torch.arange(batch_size) * spare // max(1, batch_size - 1)
        return TextWindows(self.ids, starts.reshape(-1, 1), T, count)

    def compute_baseline(self) -> float:
        """Unigram cross-entropy of the validation text under training frequencies, in bits/char."""
        (a, b), (c, d) = self.bounds["train"], self.bounds["val"]
        counts = torch.bincount(self.ids[a:b], minlength=self.vocab_size).double() + 1.0
        log_p = torch.log2(counts / counts.sum())
        return -log_p[self.ids[c:d]].mean().item()

    def baseline_name(self) -> str:
        """The context-blind predictor."""
        return "unigram: character frequencies of the training text"

    def describe_example(self, batch: Batch, out: torch.Tensor, index: int = 0) -> dict:
        """Input text, the true next characters and the most likely predicted ones."""
        return {"kind": "text", "input": self.decode(batch.x[index]), "target": self.decode(batch.y[index]),
                "prediction": self.decode(out[index].argmax(-1))}


@dataclass
class CharLMTask(CharTextTask):
    """Character-level language model on Python's documentation prose (pydoc_data.topics).

    About 465k characters and 103 distinct ones, shipped with the standard library.
    Example, T=4: x = "def " -> ids, y = "ef f". Everything else as CharTextTask:
    many-to-many (synchronised), bits/char, baseline the unigram model on the validation text.
    """

    name = "charlm"
    title = "Character LM on Python's documentation"

    def load(self) -> str:
        """Python's documentation prose."""
        return python_docs_text()
