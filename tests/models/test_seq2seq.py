"""Encoder–decoder with attention: weights are distributions, the dot attention is softmax(QKᵀ)V, the
additive one is Bahdanau's formula, gradients match finite differences, and attention solves reversal."""
import pytest
import torch
from torch.func import functional_call

from models.architectures import ARCHITECTURES
from models.seq2seq import ATTENTIONS, Seq2Seq, attention_kind

CLASSIC = [row for row in ARCHITECTURES.values() if getattr(row, "fused", None) is not None]
IDS = [row.name for row in CLASSIC]
K = 8                                                   # symbols of the reversal data


def tiny(row, attention, seed=0, H=4, both_ways=False) -> Seq2Seq:
    torch.manual_seed(seed)
    return Seq2Seq(row.name, 0, H, output_size=5, vocab_size=6, attention=attention,
                   bidirectional_encoder=both_ways).double()


def source(B=3, S=6, seed=0) -> torch.Tensor:
    return torch.randint(0, 6, (B, S), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("row", CLASSIC, ids=IDS)
@pytest.mark.parametrize("attention", list(ATTENTIONS))
def test_shapes_and_the_weights_over_the_source_sum_to_one(row, attention):
    net = tiny(row, attention).eval()
    out = net(source(), steps=4)
    assert out.logits.shape == (3, 4, 5) and out.encoder_states.shape == (3, 6, 4) and len(out.decoder_states) == 4
    assert (out.fed[:, 0] == net.go).all() and torch.equal(out.fed[:, 1:], out.logits[:, :-1].argmax(-1))
    if attention_kind(attention).attends:
        assert out.attention.shape == (3, 4, 6) and (out.attention >= 0).all()
        torch.testing.assert_close(out.attention.sum(-1), torch.ones(3, 4, dtype=torch.float64), atol=1e-12, rtol=0)
    else:
        assert out.attention is None and out.contexts is None


def test_dot_attention_refuses_keys_wider_than_the_decoder():
    with pytest.raises(ValueError, match="as wide as the decoder's state"):
        Seq2Seq(arch="gru", input_size=2, hidden=4, output_size=3, attention="dot", bidirectional_encoder=True)
    with pytest.raises(ValueError, match="none, additive, dot"):
        attention_kind("multiplicative")


def test_teacher_forcing_while_training_free_running_when_evaluating():
    net = tiny(CLASSIC[1], "dot")
    x, targets = source(), source(seed=1)[:, :4] % 5
    taught = net.train()(x, targets)
    assert torch.equal(taught.fed[:, 1:], targets[:, :-1])
    free = net.eval()(x, targets)
    assert torch.equal(free.fed[:, 1:], free.logits[:, :-1].argmax(-1)) and free.logits.shape == (3, 4, 5)


@pytest.mark.parametrize("row", CLASSIC, ids=IDS)
def test_dot_attention_is_softmax_of_q_k_transposed_times_v(row):
    net = tiny(row, "dot").eval()
    out = net(source(), steps=5)
    Q = torch.stack(out.decoder_states, 1)                               # (B, T_out, H): s_i asks
    K_ = V = out.encoder_states                                          # (B, S, H)
    weights = torch.softmax(Q @ K_.transpose(1, 2), dim=-1)
    torch.testing.assert_close(out.attention, weights, atol=1e-5, rtol=0)
    torch.testing.assert_close(out.contexts, weights @ V, atol=1e-5, rtol=0)
    hand = net.head(torch.tanh(torch.cat([weights @ V, Q], -1) @ net.combine.weight.T))
    torch.testing.assert_close(out.logits, hand, atol=1e-5, rtol=0)


@pytest.mark.parametrize("both_ways", [False, True], ids=["one-way encoder", "bidirectional encoder"])
@pytest.mark.parametrize("row", CLASSIC, ids=IDS)
def test_additive_attention_is_bahdanaus_formula_on_the_previous_decoder_state(row, both_ways):
    net = tiny(row, "additive", both_ways=both_ways).eval()
    x = source()
    out = net(x, steps=5)
    _, final = net.encode_source(x)
    assert out.encoder_states.shape == (3, 6, 8 if both_ways else 4)
    previous = [row.hidden_of(final)] + out.decoder_states[:-1]          # s_0 = →h_S, then s_1..s_{T−1}
    torch.testing.assert_close(previous[0], out.encoder_states[:, -1, :4])
    W_a, U_a, v_a = net.score.W_a.weight, net.score.U_a.weight, net.score.v_a
    for i, s in enumerate(previous):
        e = torch.stack([torch.tanh(s @ W_a.T + h @ U_a.T) @ v_a for h in out.encoder_states.unbind(1)], 1)
        alpha = torch.exp(e) / torch.exp(e).sum(1, keepdim=True)
        torch.testing.assert_close(out.attention[:, i], alpha, atol=1e-5, rtol=0)
        torch.testing.assert_close(out.contexts[:, i], (alpha[..., None] * out.encoder_states).sum(1),
                                   atol=1e-5, rtol=0)


@pytest.mark.parametrize("attention, both_ways", [(name, False) for name in ATTENTIONS] + [("additive", True)])
def test_gradients_match_finite_differences(attention, both_ways):
    row = CLASSIC[1]
    net = tiny(row, attention, seed=2, H=3, both_ways=both_ways).train()
    x, targets = source(B=2, S=4, seed=3), source(B=2, S=3, seed=4) % 5
    params = {name: p.detach().clone().requires_grad_() for name, p in net.named_parameters()}
    names = list(params)

    def loss(*values):
        out = functional_call(net, dict(zip(names, values)), (x, targets))
        return torch.nn.functional.cross_entropy(out.logits.reshape(-1, 5), targets.reshape(-1))

    assert torch.autograd.gradcheck(loss, tuple(params.values()), eps=1e-6, atol=1e-6)


def reversal(batch, length, generator):
    """Source symbols and their reversal, the decoder's targets."""
    x = torch.randint(0, K, (batch, length), generator=generator)
    return x, x.flip(1)


def reversal_accuracy(attention: str, both_ways=False, length=12, hidden=32, steps=300, seed=0) -> float:
    """Free-running accuracy on reversal after ``steps`` steps of Adam with teacher forcing."""
    torch.manual_seed(seed)
    net = Seq2Seq(arch="gru", input_size=0, hidden=hidden, output_size=K, vocab_size=K, attention=attention,
                  bidirectional_encoder=both_ways)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    gen = torch.Generator().manual_seed(seed)
    net.train()
    for _ in range(steps):
        x, y = reversal(64, length, gen)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x, y).logits.reshape(-1, K), y.reshape(-1)).backward()
        opt.step()
    x, y = reversal(512, length, torch.Generator().manual_seed(99))
    with torch.no_grad():
        return (net.eval()(x, y).logits.argmax(-1) == y).float().mean().item()


@pytest.mark.slow
def test_on_reversal_attention_solves_it_where_the_plain_encoder_decoder_does_not():
    """Reversal of 12 symbols, GRUs of 32 units, 300 steps: the plain encoder–decoder (one-way, as
    Sutskever et al.) stays near half right; additive attention over a bidirectional encoder (as
    Bahdanau et al.) and dot attention over a one-way one (as Luong et al.) get it nearly all right."""
    accuracy = {name: reversal_accuracy(name, both_ways=name == "additive") for name in ("none", "additive", "dot")}
    print("reversal L=12, free-running accuracy:", {k: round(v, 3) for k, v in accuracy.items()})
    assert accuracy["additive"] > 0.9 and accuracy["dot"] > 0.9
    assert accuracy["none"] < 0.6
    assert min(accuracy["additive"], accuracy["dot"]) - accuracy["none"] > 0.3
