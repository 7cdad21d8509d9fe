"""Writing text with a character-level model: seeded, prime kept, bad temperatures refused."""
import pytest
import torch

from models.network import SequenceNet
from playground.errors import ConfigError
from playground.engine.sampling import sample_text
from playground.tasks.chartext import CharTextTask


@pytest.fixture(scope="module")
def setup():
    task = CharTextTask.from_text("the quick brown fox jumps over the lazy dog.\n" * 40, seq_len=16)
    torch.manual_seed(0)
    net = SequenceNet("lstm", task.input_size, 16, 1, task.output_size, task.vocab_size)
    return net, task


def test_sample_is_seeded_and_continues_the_prime(setup):
    net, task = setup
    a = sample_text(net, task, "the Q", 30, 1.0, torch.Generator().manual_seed(1))
    b = sample_text(net, task, "the Q", 30, 1.0, torch.Generator().manual_seed(1))
    assert a == b and a.startswith("the ") and len(a) == 4 + 30     # 'Q' is not in the vocabulary
    assert set(a) <= set(task.vocab)


def test_empty_prime_and_extreme_temperatures(setup):
    net, task = setup
    text = sample_text(net, task, "", 10, 100.0, torch.Generator().manual_seed(0))   # clamped to 5
    assert len(text) == 11 and text[0] == "\n"
    assert len(sample_text(net, task, "dog", 5, 1e-9, torch.Generator().manual_seed(0))) == 8
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ConfigError, match="temperature"):
            sample_text(net, task, "the", 5, bad)
