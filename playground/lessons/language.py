"""What a character-level language model does with a text (no Streamlit).

Karpathy's views (a unit's activation under every character, the top-k guesses for
the next character), the same text read with teacher forcing and free-running
(``forced_and_free``), and Distill's connectivity (how strongly an output depends on
each earlier input character: the gradient magnitude of that output's log-probability
with respect to each input embedding). All read the model through the replay path.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from models.architectures import DEFAULT_ARCH
from models.network import SequenceNet
from playground.config import RunConfig
from playground.errors import DataError
from playground.engine.run_summary import perplexity
from playground.engine.sampling import sample_text
from playground.tasks.base import Batch
from playground.engine.trainer import Trainer

SMALL_STEPS = 300           # the quick model a page trains when the session has none
ROW_WIDTH = 56              # characters per line of the aligned true / forced / free rows
VISIBLE = {"\n": "↵", "\t": "→", "\r": "␍"}   # one visible character per character, so rows stay aligned


def small_charlm_config(arch: str = DEFAULT_ARCH, seed: int = 0) -> RunConfig:
    """A small character model that learns something visible in a few hundred steps."""
    return RunConfig(arch=arch, task="charlm", seq_len=48, hidden=64, lr=0.01, batch=32, seed=seed)


def text_ids(task, text: str) -> torch.Tensor:
    """Token ids (1, T) of ``text`` under the task's vocabulary; DataError if none is known."""
    if not text:
        raise DataError("the text is empty")
    ids = task.encode(text)
    ids = torch.as_tensor(ids, dtype=torch.long).reshape(1, -1)
    if ids.shape[1] == 0:
        raise DataError("none of these characters is in the model's vocabulary")
    return ids


def shown_chars(task, ids: torch.Tensor) -> list[str]:
    """The characters the ids stand for (one per timestep)."""
    return [task.decode([int(k)]) for k in ids.reshape(-1)]


@dataclass
class TextReading:
    """One pass of the model over a text: states and next-character distributions.

    hidden, cell: (T, H) last-layer h_t and (LSTM) c_t. probs: (T, V) softmax of the
    output at each step (the guess for the character *after* step t).
    """

    chars: list[str]
    hidden: np.ndarray
    cell: np.ndarray | None
    probs: np.ndarray


@torch.no_grad()
def read_text(net: SequenceNet, task, text: str) -> TextReading:
    """Run ``text`` through ``net`` (replay path) and keep states and next-char probabilities."""
    ids = text_ids(task, text)
    replay = net.replay(ids)
    hidden = torch.stack(replay.h[-1])[:, 0].numpy()                     # (T, H)
    cell = torch.stack(replay.c[-1])[:, 0].numpy() if net.architecture.has_cell_state else None
    probs = torch.softmax(replay.out[0], dim=-1).numpy()                  # (T, V)
    return TextReading(shown_chars(task, ids), hidden, cell, probs)


def top_k(task, probs: np.ndarray, k: int = 5) -> list[list[tuple[str, float]]]:
    """For each step, the k likeliest next characters with their probabilities."""
    order = np.argsort(-probs, axis=1)[:, :k]
    return [[(task.decode([int(j)]), float(p[j])) for j in row] for row, p in zip(order, probs)]


@dataclass
class ForcedAndFree:
    """One text read two ways after the same prompt, its first characters.

    truth: the characters that follow the prompt. forced: at each of those positions, the
    model's likeliest next character when it has read the true text up to there (teacher
    forcing: how the model is trained and scored). free: its likeliest next character when it
    has read its own earlier guesses instead (free-running: how it writes). Both take the
    likeliest character; only what the model reads differs. bits_per_char: the task's metric
    (cross-entropy in bits per character) of the teacher-forced reading of the whole text;
    perplexity: 2^bits_per_char (``run_summary.perplexity``).
    """

    prompt: str
    truth: str
    forced: str
    free: str
    bits_per_char: float
    perplexity: float

    @staticmethod
    def _hits(guess: str, truth: str) -> float:
        return sum(a == b for a, b in zip(guess, truth)) / max(1, len(truth))

    @property
    def forced_hits(self) -> float:
        """Fraction of the true next characters that teacher forcing guesses."""
        return self._hits(self.forced, self.truth)

    @property
    def free_hits(self) -> float:
        """Fraction of positions where the free-running text equals the true text."""
        return self._hits(self.free, self.truth)

    @property
    def free_leaves_at(self) -> int | None:
        """The first position (0 = right after the prompt) where free-running leaves the text, or None."""
        return next((k for k, (a, b) in enumerate(zip(self.free, self.truth)) if a != b), None)

    def rows(self, width: int = ROW_WIDTH) -> str:
        """The three texts aligned in blocks of ``width`` characters (newlines drawn as ↵)."""
        shown = ["".join(VISIBLE.get(ch, ch) for ch in text) for text in (self.truth, self.forced, self.free)]
        blocks = []
        for start in range(0, len(self.truth), width):
            blocks.append("\n".join(f"{label:<8}{text[start:start + width]}"
                                     for label, text in zip(("text", "forced", "free"), shown)))
        return "\n\n".join(blocks)


@torch.no_grad()
def forced_and_free(net: SequenceNet, task, text: str, prompt_length: int) -> ForcedAndFree:
    """Read ``text`` with teacher forcing and continue its first ``prompt_length`` characters
    free-running, as long as the rest of the text (see ``ForcedAndFree``). DataError when the
    text has fewer than two known characters; the prompt is kept between 1 and the length − 1."""
    ids = text_ids(task, text)                                            # (1, N)
    N = ids.shape[1]
    if N < 2:
        raise DataError("the text needs at least 2 characters the model knows")
    P = min(max(1, int(prompt_length)), N - 1)
    out, _ = net(ids)                                                     # (1, N, V), reading the true text
    bits = task.metric(out[:, :-1], Batch(ids[:, :-1], ids[:, 1:]))
    forced = out[0, P - 1:N - 1].argmax(-1)                               # guesses for characters P … N−1
    step_out, state = net(ids[:, :P])
    free = []
    for _ in range(N - P):
        guess = step_out[0, -1].argmax().view(1, 1)                       # its own likeliest character …
        free.append(int(guess))
        step_out, state = net(guess, state)                               # … is what it reads next
    return ForcedAndFree(task.decode(ids[0, :P]), task.decode(ids[0, P:]), task.decode(forced), task.decode(free),
                         bits, perplexity(bits))


def connectivity(net: SequenceNet, ids: torch.Tensor, position: int) -> tuple[np.ndarray, int]:
    """||d log p(x_{p+1} | x_≤p) / d e_t|| for every input step t (Distill's connectivity).

    ``position`` p indexes the output; the scored character is the true next one when
    there is one, else the model's own top guess. Returns (magnitudes (T,), scored id);
    steps after p get 0 (the model is causal).
    """
    T = ids.shape[1]
    if not 0 <= position < T:
        raise DataError(f"position must be between 0 and {T - 1}")
    embedded = net.encode(ids).detach().requires_grad_(True)             # (1, T, E)
    replay = net.replay(ids, embedded=embedded)
    log_p = torch.log_softmax(replay.out[0, position], dim=-1)            # (V,)
    target = int(ids[0, position + 1]) if position + 1 < T else int(log_p.argmax())
    (grad,) = torch.autograd.grad(log_p[target], embedded)
    return grad[0].norm(dim=-1).numpy(), target


def unit_ranking(states: np.ndarray) -> np.ndarray:
    """Unit indices of ``states`` (T, H), most variable over time first."""
    return np.argsort(-states.std(axis=0), kind="stable")


def validation_excerpt(task, length: int = 300, offset: int = 1000) -> str:
    """A piece of the task's validation text (text the model did not train on), from a line start."""
    lo, hi = task.split_bounds("val")
    start = min(lo + offset, max(lo, hi - length))
    text = task.decode(task.ids[start:start + length + 200])
    cut = text.find("\n") + 1
    return (text[cut:cut + length] if 0 < cut < 200 else text[:length]).lstrip()


def sample_seeded(net: SequenceNet, task, prime: str, length: int, temperature: float, seed: int) -> str:
    """sample_text with a fresh generator seeded by ``seed`` (same seed, same sample)."""
    return sample_text(net, task, prime, length, temperature, torch.Generator().manual_seed(seed))


def log_relative(values: np.ndarray, decades: float = 3.0) -> np.ndarray:
    """Map magnitudes to [0, 1] on a log scale: the largest -> 1, ``decades`` below it or less -> 0."""
    top = float(np.max(values)) if len(values) else 0.0
    if top <= 0:
        return np.zeros_like(values, dtype=float)
    with np.errstate(divide="ignore"):
        logs = np.log10(np.maximum(values, 0) / top)
    return np.clip(1 + logs / decades, 0.0, 1.0)


def train_small(config: RunConfig, steps: int = SMALL_STEPS, callback=None):
    """Train a fresh Trainer for ``steps`` updates (``callback(k)`` after each) and return it."""
    torch.set_num_threads(1)
    trainer = Trainer(config)
    for k in range(steps):
        trainer.step()
        if callback is not None:
            callback(k + 1)
    return trainer
