"""Find the unit: the scores are what they claim, a planted unit ranks first, hostile patterns are refused."""
import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from hostile_measure import MAX_EXTRA_BYTES, MAX_SECONDS, measured
from models.network import build_network
from playground.config import RunConfig
from playground.errors import ConfigError
from playground.tasks import make_task
from playground.lessons.unit_search import (MAX_PATTERN, MAX_TEXT, PRESETS, auc, between_marks_mask, point_biserial, regex_mask, score,
                                    search_sequences, search_text, text_loss_change, window_mask)


def test_scores_match_their_definitions():
    rng = np.random.default_rng(0)
    acts, mask = rng.normal(size=(300, 4)), rng.random(300) < 0.3
    acts[:, 1] += 2 * mask
    r = point_biserial(acts, mask)
    assert r == pytest.approx([np.corrcoef(acts[:, k], mask)[0, 1] for k in range(4)], abs=1e-12)
    inside, outside = acts[mask], acts[~mask]
    pairs = (inside[:, None, :] > outside[None, :, :]).mean(axis=(0, 1))
    assert auc(acts, mask) == pytest.approx(pairs, abs=1e-12)


def test_a_planted_unit_ranks_first_and_beats_a_random_one():
    rng = np.random.default_rng(1)
    mask = np.zeros(2000, dtype=bool)
    for start in rng.choice(1900, 40, replace=False):
        mask[start:start + 12] = True                       # spans, like quoted strings
    acts = rng.normal(size=(2000, 32))
    acts[:, 7] += 1.5 * mask                                 # high inside
    acts[:, 20] -= 1.0 * mask                                # low inside: found too, with r < 0
    s = score(acts, mask, (5, 400))
    assert list(s.order[:2]) == [7, 20]
    assert s.r[7] > 0.5 and s.r[20] < -0.3 and s.auc[7] > 0.8 and s.auc[20] < 0.3
    assert s.random_unit_score < 0.1 and s.top(1)[0]["mean inside"] > s.top(1)[0]["mean outside"]


def digit_detector():
    """A char-model RNN whose unit 0 fires on digits (planted in its weights), the rest random."""
    config = RunConfig(arch="rnn", task="charlm", seq_len=20, hidden=16)
    task = make_task(config)
    torch.manual_seed(0)
    net = build_network(config, task)
    with torch.no_grad():
        digit = torch.tensor([ch.isdigit() for ch in task.vocab])
        net.embed.weight[:, 0] = torch.where(digit, 1.0, -1.0)
        net.rnn.weight_ih_l0[0] = 0
        net.rnn.weight_ih_l0[0, 0] = 3.0
        net.rnn.weight_hh_l0[0] = 0
        net.rnn.bias_ih_l0[0] = net.rnn.bias_hh_l0[0] = 0
    return net, task


def test_search_on_a_model_finds_the_planted_digit_unit():
    net, task = digit_detector()
    s = search_text(net, task, PRESETS["digits"])
    assert s.order[0] == 0 and s.auc[0] > 0.99 and abs(s.r[0]) > 3 * s.random_unit_score
    assert s.text and len(s.text) == len(s.mask) == s.acts.shape[0]
    change = text_loss_change(net, task, s.mask, 0)
    assert set(change) >= {"change inside", "change outside"} and all(np.isfinite(list(change.values())))


def test_regex_marks_matches_and_refuses_hostile_patterns():
    text = 'say "hi" and "yo"\nnext line'
    mask = regex_mask(PRESETS["inside double quotes"], text)
    assert "".join(ch for ch, m in zip(text, mask) if m) == '"hi""yo"'
    assert regex_mask(PRESETS["first character of a line"], text).sum() == 2
    assert regex_mask(r"(a|aa)+$", "a" * 3000 + "!").sum() == 0       # catastrophic for a backtracking engine
    for pattern, words in [("", "type a regular"), ("a" * (MAX_PATTERN + 1), "at most 200 are allowed"),
                           ("(", "not a valid"), ("a{1001}", "count to 1,000"),
                           ("((a{30}){30}){30}", "multiplied"), ("\\\\{99999}", "count to 1,000"),
                           (r"(a)\1", "backreferences"), ("(?=a)b", "lookaround"), ("(?<!a)b", "lookaround"),
                           (r"[\p{L}\p{N}]{1000}", "more than 2 MB"), (r"(?s).{0,300}", "RE2 instructions")]:
        with pytest.raises(ConfigError, match=words):
            regex_mask(pattern, text)


def test_series_conditions():
    x = np.zeros((2, 6, 2))
    x[0, [1, 4], 1] = 1
    x[1, [0, 2], 1] = 1
    assert between_marks_mask(x, 1).astype(int).tolist() == [[0, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0]]
    assert window_mask(1, 5, 2, 3).astype(int).tolist() == [[0, 1, 1, 0, 0]]
    with pytest.raises(ConfigError):
        window_mask(1, 5, 4, 9)
    config = RunConfig(arch="lstm", task="adding", seq_len=20, hidden=8)
    task = make_task(config)
    net = build_network(config, task)
    s = search_sequences(net, task, "between marks", signal="c")
    assert s.shape == (64, 20) and len(s.order) == 8
    with pytest.raises(ConfigError, match="not a condition"):
        search_sequences(net, make_task(RunConfig(task="sine")), "between marks")


def test_marking_every_match_stops_at_its_time_limit(monkeypatch):
    import playground.lessons.unit_search as unit_search

    monkeypatch.setattr(unit_search, "MATCH_SECONDS", 0.0)     # any CPU time at all is over it
    with pytest.raises(ConfigError, match="took longer than 0 s"):
        regex_mask(r"(?s).", "é" * 8000)


REGEX_ALPHABET = "ab.()[]{}*+?|^$\\0123456789,-:=<!pPLNdwsSbB\n é"
PIECES = ["(?s)", "(?i)", "(?m)", ".{0,999}", "{1000}", "{2,1}", "(?=", "(?<!", "\\1", "\\p{L}", "[^z]", "(?:",
          "(?P<n>", "(?P=n)", "\\C", "\\x{10FFFF}", "*?", "++", "{0,30}", "|"]


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(alphabet=REGEX_ALPHABET, max_size=80),
                 st.lists(st.sampled_from(PIECES + list("ab.()")), max_size=25).map("".join),
                 st.text(max_size=250)))
def test_any_pattern_ends_in_a_mask_or_one_line_quickly_and_small(pattern):
    text = ("say \"hi\" (é) 12 [x]\n" * 400)[:MAX_TEXT]
    outcome, seconds, extra = measured(lambda: regex_mask(pattern, text))
    if isinstance(outcome, ConfigError):
        assert "\n" not in str(outcome) and len(str(outcome)) < 400, str(outcome)
    else:
        assert isinstance(outcome, np.ndarray) and outcome.shape == (len(text),), repr(outcome)
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (pattern, seconds, extra / 2**20)
