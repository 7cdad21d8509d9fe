r"""Find the unit: rank a trained model's units by how well their activation marks a pattern.

A person marks where something happens — characters matched by a regular expression over
the char model's text (inside double quotes, inside brackets, line starts), or a window
of timesteps, or the stretch between the two marked numbers of the adding problem — and
every unit of the last recurrent layer is scored by how well its activation separates the
marked positions from the others (LSTMVis's hypothesis search, on the model just trained):

    score  r_k = point-biserial correlation of a_k (the unit's h_t or c_t) with the 0/1 mark
               = (mean_in − mean_out) / std · √(p (1 − p)),   p = share of marked positions
    AUC_k = P(a_k at a marked position > a_k at an unmarked one)   (0.5 = no relation)

Units are ranked by |r|: a unit that is low inside and high outside marks the pattern as
well. A random unit's |r| is about the median over all units; the page shows both.

Regular expressions are untrusted, so they go through RE2 (``google-re2``), never a
backtracking engine: the pattern is at most ``MAX_PATTERN`` characters and the text searched at
most ``MAX_TEXT``, both checked before anything is compiled; RE2 compiles within ``RE2_MAX_MEM``
bytes, a program of more than ``MAX_PROGRAM`` instructions is refused, and one search is linear
in the text times the program. Marking every match searches again after each match, so all the
matches together stop after ``MATCH_SECONDS`` of CPU time with a message. What RE2 cannot match
in linear time (backreferences such as \1, lookaround such as (?=…)) is refused with a message
that says so.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import re2
import torch
import torch.nn.functional as F

from models.architectures import ARCHITECTURES, GATES
from models.network import Intervention, SequenceNet
from playground.errors import ConfigError
from playground.markup import clipped, literal
from playground.tasks.base import Task

MAX_PATTERN = 200          # characters of a regular expression
MAX_TEXT = 8_000           # characters of text searched (the validation text's start)
CHUNK = 400                # the text is read in sequences of this many characters
RE2_MAX_MEM = 2 * 2**20    # bytes RE2 may use for one compiled pattern (and its matching automata)
MAX_PROGRAM = 2_000        # RE2 instructions of a compiled pattern: one search costs at most text × this
MATCH_SECONDS = 0.5        # CPU time for all matches: finditer searches again after every match
_UNSUPPORTED = ("invalid perl operator", "invalid escape sequence")   # RE2's words for lookaround, \1
SERIES_SEQUENCES = 64      # sequences sampled for a series or memory task
PRESETS = {                # name -> regular expression, for the char model
    "inside double quotes": r'"[^"\n]*"',
    "inside parentheses": r"\([^()\n]*\)",
    "inside square brackets": r"\[[^\[\]\n]*\]",
    "first character of a line": r"(?m)^.",
    "inside a word": r"\w+",
    "digits": r"\d+",
}
SIGNALS = {"h": GATES["h"].title,                         # the states a unit is searched in
           "c": f"{GATES['c'].title} ({', '.join(row.label for row in ARCHITECTURES.values() if row.has_cell_state)})"}


@dataclass
class Search:
    """What was searched and how every unit scored.

    acts: (N, H) activation of each unit at each position (reading order; for a series task
    sequence by sequence). mask: (N,) bool. shape: (rows, T) the positions as sequences.
    text: the characters (char model) or None. r, auc: (H,) scores. order: units by |r|, best first.
    """

    acts: np.ndarray
    mask: np.ndarray
    shape: tuple[int, int]
    text: str | None
    r: np.ndarray
    auc: np.ndarray
    order: np.ndarray

    @property
    def random_unit_score(self) -> float:
        """|r| of a typical (median) unit: what a unit picked at random scores."""
        return float(np.median(np.abs(self.r)))

    def top(self, n: int = 10) -> list[dict]:
        """The ``n`` best units with r, AUC and mean activation inside / outside the mark."""
        rows = []
        for k in self.order[:n]:
            a = self.acts[:, k]
            rows.append({"unit": int(k), "r": float(self.r[k]), "AUC": float(self.auc[k]),
                         "mean inside": float(a[self.mask].mean()), "mean outside": float(a[~self.mask].mean())})
        return rows


def point_biserial(acts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Correlation of each column of ``acts`` (N, H) with the 0/1 ``mask`` (N,); 0 for a constant unit."""
    m = mask.astype(np.float64)
    a = acts - acts.mean(axis=0)
    m = m - m.mean()
    denom = np.sqrt((a ** 2).sum(axis=0) * (m ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (a * m[:, None]).sum(axis=0) / denom
    return np.nan_to_num(r)


def auc(acts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Area under the ROC curve of each unit as a detector of the mask (Mann–Whitney, average ranks)."""
    n1, n0 = int(mask.sum()), int((~mask).sum())
    ranks = np.empty_like(acts, dtype=np.float64)
    for k in range(acts.shape[1]):
        ranks[:, k] = _average_ranks(acts[:, k])
    return (ranks[mask].sum(axis=0) - n1 * (n1 + 1) / 2) / (n1 * n0)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values``, ties sharing their average rank (vectorised)."""
    order = np.argsort(values, kind="stable")
    sorted_vals = values[order]
    starts = np.flatnonzero(np.r_[True, np.diff(sorted_vals) != 0])
    ends = np.r_[starts[1:], len(values)]
    group = np.cumsum(np.r_[True, np.diff(sorted_vals) != 0]) - 1
    ranks = np.empty(len(values))
    ranks[order] = ((starts + ends + 1) / 2.0)[group]
    return ranks


def score(acts: np.ndarray, mask: np.ndarray, shape: tuple[int, int], text: str | None = None) -> Search:
    """Score every unit of ``acts`` against ``mask``; ConfigError when the mark is empty or everywhere."""
    inside = int(mask.sum())
    if inside == 0:
        raise ConfigError("the pattern marks no position of the data searched")
    if inside == len(mask):
        raise ConfigError("the pattern marks every position: nothing is left to compare with")
    r = point_biserial(acts, mask)
    return Search(acts, mask, shape, text, r, auc(acts, mask), np.argsort(-np.abs(r), kind="stable"))


# --- the char model: a regular expression over its text ----------------------------------
def regex_mask(pattern: str, text: str) -> np.ndarray:
    """(len(text),) bool: True on every character inside a match. ConfigError for a bad or long pattern."""
    if not pattern:
        raise ConfigError(f"type a regular expression of at most {MAX_PATTERN} characters, or pick a preset")
    if len(pattern) > MAX_PATTERN:
        raise ConfigError(f"the pattern is {len(pattern):,} characters long; at most {MAX_PATTERN} are allowed")
    if len(text) > MAX_TEXT:
        raise ConfigError(f"the text is longer than {MAX_TEXT:,} characters")
    compiled = compile_pattern(pattern)
    mask = np.zeros(len(text), dtype=bool)
    deadline = time.thread_time() + MATCH_SECONDS
    try:
        for match in compiled.finditer(text):
            mask[match.start():match.end()] = True
            if time.thread_time() > deadline:
                raise ConfigError(f"the pattern took longer than {MATCH_SECONDS:g} s on this text: simplify it "
                                  "(each match searches the rest of the text again)")
    except UnicodeError:
        raise ConfigError("the text searched is not valid Unicode") from None
    return mask


def compile_pattern(pattern: str):
    """``pattern`` compiled by RE2 within ``RE2_MAX_MEM``; ConfigError (one line) when RE2 refuses it.

    The caller has checked the pattern's length. RE2 has no backreferences or lookaround (they
    cannot be matched in linear time); such a pattern gets a message that says so.
    """
    options = re2.Options()
    options.max_mem = RE2_MAX_MEM
    options.log_errors = False
    options.never_capture = True         # only where a match is: no submatch work
    try:
        compiled = re2.compile(pattern, options)
        if compiled.programsize > MAX_PROGRAM:
            raise ConfigError(f"the pattern compiles to {compiled.programsize:,} RE2 instructions; at most "
                              f"{MAX_PROGRAM:,} are allowed: use fewer or smaller counted repeats such as a{{n}}")
        return compiled
    except UnicodeError:
        raise ConfigError("the pattern is not valid Unicode") from None
    except re2.error as err:
        what, part = _reason(err)
    if what.startswith(_UNSUPPORTED):
        raise ConfigError(f"the pattern uses {literal(part)}, which RE2 does not support: it has no backreferences "
                          "such as \\1 and no lookaround such as (?=…), so that matching takes linear time")
    if "too large" in what:
        raise ConfigError(f"the pattern compiles to more than {RE2_MAX_MEM // 2**20} MB, the limit: use fewer or "
                          "smaller counted repeats such as a{n}")
    if "repetition size" in what:
        raise ConfigError(f"counted repeats such as a{{n}} may count to 1,000 at most (multiplied, when nested); "
                          f"got {literal(part)}")
    raise ConfigError(f"not a valid regular expression: {what}" + (f" {literal(part)}" if part else ""))


def _reason(err: Exception) -> tuple[str, str]:
    """RE2's reason, split into its words and the part of the pattern it quotes (user text)."""
    raw = err.args[0] if err.args else b""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    what, _, part = text.partition(": ")
    return clipped(" ".join(what.split()), 60) or "unreadable", part


def text_ids(task: Task, max_chars: int = MAX_TEXT) -> torch.Tensor:
    """The first characters of the task's validation text, as ids: a whole number of CHUNKs, plus one."""
    start, stop = task.split_bounds("val")
    n = min(max_chars, stop - start - 1) // CHUNK * CHUNK
    if n < CHUNK:
        raise ConfigError(f"the validation text is shorter than {CHUNK + 1} characters")
    return task.ids[start:start + n + 1]


def _layer_states(net: SequenceNet, x: torch.Tensor, signal: str, intervention: Intervention | None = None):
    has_cell = net.architecture.has_cell_state
    if signal not in SIGNALS or (signal == "c" and not has_cell):
        raise ConfigError(f"signal must be h{' or c' if has_cell else ''} for this model")
    with torch.no_grad():
        rep = net.replay(x, intervention)
    states = rep.c[-1] if signal == "c" else rep.h[-1]
    return rep, torch.stack(states, dim=1)                      # (B, T, H)


def search_text(net: SequenceNet, task: Task, pattern: str, signal: str = "h") -> Search:
    """Score the last layer's units of a char model against ``pattern`` over its validation text."""
    ids = text_ids(task)
    text = task.decode(ids[:-1])
    mask = regex_mask(pattern, text)
    _, states = _layer_states(net, ids[:-1].view(-1, CHUNK), signal)
    acts = states.reshape(-1, net.hidden).numpy().astype(np.float64)    # reading order
    return score(acts, mask, (len(text) // CHUNK, CHUNK), text)


def text_loss_change(net: SequenceNet, task: Task, mask: np.ndarray, unit: int) -> dict[str, float]:
    """Next-character loss (bits/char) inside and outside ``mask``, as trained and with ``unit`` silenced."""
    ids = text_ids(task)
    x, y = ids[:-1].view(-1, CHUNK), ids[1:].reshape(-1)
    out = {}
    for name, iv in (("trained", None), ("silenced", Intervention(ablate=(unit,)))):
        with torch.no_grad():
            logits = net.replay(x, iv).out.reshape(len(y), -1)
        bits = F.cross_entropy(logits, y, reduction="none").numpy() / np.log(2)
        out[f"{name} inside"], out[f"{name} outside"] = float(bits[mask].mean()), float(bits[~mask].mean())
    out["change inside"] = out["silenced inside"] - out["trained inside"]
    out["change outside"] = out["silenced outside"] - out["trained outside"]
    return out


# --- series and memory tasks: a window of timesteps, or between the marks ----------------
def window_mask(rows: int, T: int, first: int, last: int) -> np.ndarray:
    """(rows, T) bool: True for timesteps ``first`` to ``last`` (1-based, inclusive)."""
    if not 1 <= first <= last <= T:
        raise ConfigError(f"the window must lie within timesteps 1 to {T} (got {first} to {last})")
    mask = np.zeros((rows, T), dtype=bool)
    mask[:, first - 1:last] = True
    return mask


def between_marks_mask(x: np.ndarray, channel: int) -> np.ndarray:
    """(B, T) bool: from the first marked step to the second, inclusive (the adding problem's marks)."""
    marked = x[..., channel] > 0.5                              # (B, T)
    counts = np.cumsum(marked, axis=1)
    return (counts >= 1) & ((counts < 2) | (marked & (counts == 2)))


def search_sequences(net: SequenceNet, task: Task, condition: str, window: tuple[int, int] = (1, 1),
                     signal: str = "h", seed: int = 0) -> Search:
    """Score the last layer's units on ``SERIES_SEQUENCES`` validation sequences of a non-text task.

    ``condition`` is "window" (timesteps ``window``) or "between marks" (a task with a ``mark_channel``).
    """
    batch = task.sample(SERIES_SEQUENCES, torch.Generator().manual_seed(seed), split="val")
    B, T = batch.x.shape[:2]
    if condition == "window":
        mask = window_mask(B, T, *window)
    elif condition == "between marks" and task.mark_channel is not None:
        mask = between_marks_mask(batch.x.numpy(), task.mark_channel)
    else:
        raise ConfigError(f"'{condition}' is not a condition for this task")
    _, states = _layer_states(net, batch.x, signal)
    acts = states.reshape(-1, net.hidden).numpy().astype(np.float64)
    return score(acts, mask.reshape(-1), (B, T))
