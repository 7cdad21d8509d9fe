"""Character-model views: connectivity against the fused path's autograd, readings, HTML escaping."""
import numpy as np
import pytest

import torch

from models.architectures import ARCH_NAMES
from models.network import build_network
from playground.config import RunConfig
from playground.errors import DataError
from playground.figures.text import make_text_html
from playground.lessons.language import connectivity, read_text, text_ids, top_k, unit_ranking, validation_excerpt
from playground.tasks import make_task


def small_model(arch):
    config = RunConfig(arch=arch, task="charlm", seq_len=16, hidden=8, seed=arch == "gru")
    task = make_task(config)
    return build_network(config, task, torch.Generator().manual_seed(0)).double(), task


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_connectivity_matches_autograd_on_the_fused_path(arch):
    net, task = small_model(arch)
    ids = text_ids(task, "The list, sorted.")
    p = 9
    magnitude, target = connectivity(net, ids, p)
    assert target == int(ids[0, p + 1])
    emb = net.encode(ids).detach().requires_grad_(True)                # independent: torch.nn kernels
    hs, _ = net.rnn(emb)
    log_p = torch.log_softmax(net.head(hs)[0, p], dim=-1)[target]
    (grad,) = torch.autograd.grad(log_p, emb)
    np.testing.assert_allclose(magnitude, grad[0].norm(dim=-1).numpy(), rtol=1e-6, atol=1e-12)
    assert (magnitude[p + 1:] == 0).all() and magnitude[p] > 0      # causal


def test_last_position_scores_the_top_guess_and_bad_position_is_an_error():
    net, task = small_model("lstm")
    ids = text_ids(task, "abc")
    _, target = connectivity(net, ids, 2)
    with torch.no_grad():
        assert target == int(net(ids)[0][0, 2].argmax())
    with pytest.raises(DataError):
        connectivity(net, ids, 3)


def test_reading_top_k_and_units():
    net, task = small_model("lstm")
    reading = read_text(net, task, "for x in range(3):")
    assert len(reading.chars) == 18 and reading.hidden.shape == (18, 8) and reading.cell.shape == (18, 8)
    np.testing.assert_allclose(reading.probs.sum(axis=1), 1.0, rtol=1e-6)
    guesses = top_k(task, reading.probs, 3)
    assert len(guesses) == 18 and all(g[0][1] >= g[1][1] >= g[2][1] for g in guesses)
    assert sorted(unit_ranking(reading.hidden).tolist()) == list(range(8))
    assert 0 < len(validation_excerpt(task)) <= 300
    with pytest.raises(DataError):
        text_ids(task, "")


def test_text_html_escapes_everything():
    html = make_text_html('<script>"&', np.linspace(-1, 1, 10), titles=['<b title="x">'] * 10, highlight=0)
    assert "<script>" not in html and "&lt;" in html and "&amp;" in html and "&quot;" in html
    assert html.count("<span") == 10
