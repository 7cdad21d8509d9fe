"""Attention heatmaps and two-direction gradient figures: pure, valid plotly, with text alternatives that say
what the figure shows."""
import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from models.architectures import ARCHITECTURES
from models.bidirectional import BidirectionalNet, direction_grad_norms
from models.seq2seq import Seq2Seq
from playground.figures.attention import (DIRECTION_COLOURS, attention_summary, direction_grad_summary,
                                          make_attention_heatmap, make_direction_grad_figure)


def validated(fig: go.Figure) -> go.Figure:
    go.Figure(fig.to_dict())                 # validation on: a misspelt property raises here
    return fig


def test_the_heatmap_puts_output_steps_down_and_input_steps_across():
    weights = np.eye(4)[::-1] * 0.9 + 0.025                                   # an anti-diagonal, rows sum to 1
    fig = validated(make_attention_heatmap(weights[:3], list("abcd"), list("dcb"), title="α"))
    heat = fig.data[0]
    assert heat.type == "heatmap" and np.asarray(heat.z).shape == (3, 4)       # output steps × input steps
    assert heat.zmin == 0 and heat.zmax == 1 and list(fig.layout.xaxis.ticktext) == list("abcd")
    assert list(fig.layout.yaxis.ticktext) == list("dcb") and fig.layout.yaxis.autorange == "reversed"
    assert "output step" in fig.layout.yaxis.title.text and "input step" in fig.layout.xaxis.title.text
    with pytest.raises(ValueError, match="one map"):
        make_attention_heatmap(np.ones((2, 3, 3)))


def test_the_summary_names_the_line_the_peaks_lie_on():
    T = 6
    anti = np.full((T, T), 0.02)
    anti[np.arange(T), T - 1 - np.arange(T)] = 0.9
    assert "6 peaks lie on one anti-diagonal (input j = 7 − i)" in attention_summary(anti)
    assert "6 peaks lie on one diagonal (input j = i)." in attention_summary(anti[::-1])
    shifted = np.roll(anti[::-1], 2, axis=1)                              # output i reads input i + 2, 2 rows wrap
    assert "4 peaks lie on one diagonal (input j = i + 2)" in attention_summary(shifted)
    flat = np.full((T, T), 1 / T)
    assert "0 of 6 output steps" in attention_summary(flat) and "no diagonal yet" in attention_summary(flat)


def test_the_heatmap_of_a_real_encoder_decoder():
    torch.manual_seed(0)
    net = Seq2Seq(arch="gru", input_size=0, hidden=6, output_size=4, vocab_size=4, attention="dot").eval()
    out = net(torch.randint(0, 4, (2, 5)), steps=5)
    weights = out.attention[0].detach().numpy()
    fig = validated(make_attention_heatmap(weights))
    np.testing.assert_allclose(np.asarray(fig.data[0].z).sum(1), 1, atol=1e-6)
    assert attention_summary(weights).endswith(".")


def test_the_gradient_figure_draws_each_direction_in_its_colour_on_a_log_scale():
    row = next(r for r in ARCHITECTURES.values() if getattr(r, "fused", None) is not None)
    torch.manual_seed(0)
    net = BidirectionalNet(row.name, 2, 4)
    replay = net.replay(torch.randn(3, 8, 2))
    norms = direction_grad_norms(replay, replay.out.pow(2).mean()).detach().numpy()[-1]     # (2, T)
    fig = validated(make_direction_grad_figure(norms))
    assert fig.layout.yaxis.type == "log" and len(fig.data) == 2
    assert [t.line.color for t in fig.data] == [DIRECTION_COLOURS["forward"], DIRECTION_COLOURS["backward"]]
    assert "forward" in fig.data[0].name and "backward" in fig.data[1].name
    np.testing.assert_allclose(np.asarray(fig.data[1].y, float), norms[1], rtol=1e-6)
    with pytest.raises(ValueError, match="one row per direction"):
        make_direction_grad_figure(norms[:1])


def test_the_gradient_summary_follows_each_direction_the_way_its_gradient_flows():
    forward = np.array([1e-4, 1e-2, 1.0])         # vanishes from the last step back to the first
    backward = forward[::-1]                       # vanishes from the first step on to the last
    text = direction_grad_summary(np.stack([forward, backward]))
    assert text.count("ends at 0.0001 times its start") == 2
    assert "forward direction's flows back from the last step to the first" in text
    assert "backward direction's flows back from the first step to the last" in text
    assert "zero or not finite" in direction_grad_summary(np.array([[1.0, 0.0], [1.0, 1.0]]))


def test_a_causal_copy_map_names_its_line_though_the_rows_before_the_lag_look_anywhere():
    T, lag = 10, 6
    causal = np.tril(np.ones((T, T))) / np.arange(1, T + 1)[:, None]       # flat over the steps read so far
    causal[1] = [0.9, 0.1] + [0] * (T - 2)                                   # an early sharp row off the line
    for i in range(lag, T):                                                  # output i + 1 reads input i + 1 − lag
        causal[i] = 0.02 / (i + 1)
        causal[i, i - lag] += 0.98
    summary = attention_summary(causal)
    assert "6 of 10 output steps" in summary and "4 peaks lie on one diagonal (input j = i − 6)" in summary
