"""The causal self-attention baseline equals torch.nn.MultiheadAttention under a causal mask with the same
weights, never reads a later step, and its positional encodings are Vaswani et al.'s."""
import math

import pytest
import torch

from models.attention_baseline import (POSITIONAL, AttentionNet, CausalSelfAttention, causal_mask,
                                       sinusoidal_encoding)


@pytest.mark.parametrize("heads", [1, 2, 4])
def test_equals_torchs_multihead_attention_with_a_causal_mask(heads):
    torch.manual_seed(heads)
    ours = CausalSelfAttention(8, heads).double()
    with torch.no_grad():
        ours.in_proj_bias.normal_()
        ours.out_proj.bias.normal_()
    reference = torch.nn.MultiheadAttention(8, heads, batch_first=True).double()
    reference.load_state_dict(ours.state_dict())
    z = torch.randn(3, 7, 8, dtype=torch.float64)
    expected, weights = reference(z, z, z, attn_mask=causal_mask(7), need_weights=True, average_attn_weights=False)
    out, A = ours(z)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=0)
    torch.testing.assert_close(A, weights, atol=1e-5, rtol=0)
    assert A.shape == (3, heads, 7, 7)


@pytest.mark.parametrize("positional", POSITIONAL)
def test_no_step_reads_a_later_one(positional):
    torch.manual_seed(0)
    net = AttentionNet(0, 8, 3, max_len=10, heads=2, positional=positional, vocab_size=5).double()
    x = torch.randint(0, 5, (2, 9))
    out, A = net(x)
    assert (A.triu(1) == 0).all()
    torch.testing.assert_close(A.sum(-1), torch.ones(2, 2, 9, dtype=torch.float64))
    changed = x.clone()
    changed[:, 6] = (changed[:, 6] + 1) % 5
    later, _ = net(changed)
    torch.testing.assert_close(later[:, :6], out[:, :6], atol=1e-12, rtol=0)
    assert not torch.allclose(later[:, 6], out[:, 6])


def test_sinusoidal_encoding_is_vaswanis():
    p = sinusoidal_encoding(50, 6)
    t = 17
    for k in range(3):
        rate = 10000 ** (-2 * k / 6)
        assert abs(p[t, 2 * k].item() - math.sin(t * rate)) < 1e-6
        assert abs(p[t, 2 * k + 1].item() - math.cos(t * rate)) < 1e-6


def test_positions_are_learned_or_fixed_and_a_sequence_too_long_is_refused():
    learned = AttentionNet(2, 8, 1, max_len=12, positional="learned")
    fixed = AttentionNet(2, 8, 1, max_len=12)
    assert "position" in dict(learned.named_parameters()) and "position" not in dict(fixed.named_parameters())
    out, A = fixed(torch.randn(4, 12, 2))
    assert out.shape == (4, 12, 1) and A.shape == (4, 1, 12, 12)
    with pytest.raises(ValueError, match="13 steps is longer than this network's 12 positions"):
        fixed(torch.randn(1, 13, 2))
    with pytest.raises(ValueError, match="sinusoidal, learned"):
        AttentionNet(2, 8, 1, max_len=12, positional="rotary")
    with pytest.raises(ValueError, match="multiple of the heads"):
        CausalSelfAttention(6, 4)


@pytest.mark.slow
def test_on_the_copy_task_it_learns_to_look_lag_steps_back():
    """Copy with lag 10 over 30 steps, 300 steps of Adam: the attention map's rows put their weight on
    t − 10, and the copy is exact (a GRU of 32 units trained the same way reaches about half)."""
    from playground.config import RunConfig
    from playground.tasks import make_task

    task = make_task(RunConfig(task="copy", seq_len=30, lag=10))
    torch.manual_seed(0)
    net = AttentionNet(0, 32, 8, max_len=30, vocab_size=8)
    gen, opt = torch.Generator().manual_seed(0), torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(300):
        b = task.sample(64, gen)
        opt.zero_grad()
        task.loss(net(b.x)[0], b).backward()
        opt.step()
    val = task.sample(256, torch.Generator().manual_seed(99), "val")
    with torch.no_grad():
        out, A = net(val.x)
    assert task.metric(out, val) > 0.95
    t = torch.arange(10, 30)
    assert A[:, 0, t, t - 10].mean() > 0.5                                # row t looks at t − lag
