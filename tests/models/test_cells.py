"""Each from-scratch cell against its torch.nn oracle, in float64, values and gradients."""
import pytest
import torch
from torch import nn

from models import GRUCell, LSTMCell, RNNCell

ORACLES = {
    "rnn-tanh": (lambda: RNNCell(3, 5, "tanh"), lambda: nn.RNNCell(3, 5, nonlinearity="tanh")),
    "rnn-relu": (lambda: RNNCell(3, 5, "relu"), lambda: nn.RNNCell(3, 5, nonlinearity="relu")),
    "gru": (lambda: GRUCell(3, 5), lambda: nn.GRUCell(3, 5)),
    "lstm": (lambda: LSTMCell(3, 5), lambda: nn.LSTMCell(3, 5)),
}


@pytest.mark.parametrize("name", list(ORACLES))
def test_cell_matches_torch_cell_in_float64(name):
    torch.manual_seed(0)
    make_ours, make_theirs = ORACLES[name]
    ours, theirs = make_ours().double(), make_theirs().double()
    theirs.load_state_dict(ours.state_dict())           # same keys, same layout
    x = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(4, 5, dtype=torch.float64)
    if name == "lstm":
        c0 = torch.randn(4, 5, dtype=torch.float64)
        (h, c), gates = ours(x, (h0, c0))
        h_ref, c_ref = theirs(x, (h0, c0))
        torch.testing.assert_close(c, c_ref, rtol=0, atol=1e-12)
        assert set(gates) == {"i", "f", "g", "o", "c", "h"}
    else:
        h, gates = ours(x, h0)
        h_ref = theirs(x, h0)
    torch.testing.assert_close(h, h_ref, rtol=0, atol=1e-12)
    g_ours = torch.autograd.grad(h.sum(), [x, *ours.parameters()])
    g_ref = torch.autograd.grad(h_ref.sum(), [x, *theirs.parameters()])
    for a, b in zip(g_ours, g_ref):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-10)


def test_gates_are_the_named_quantities():
    """The returned gates recombine into the state by the docstring's equations."""
    torch.manual_seed(1)
    lstm = LSTMCell(2, 4).double()
    x, h0, c0 = (torch.randn(3, n, dtype=torch.float64) for n in (2, 4, 4))
    (h, c), g = lstm(x, (h0, c0))
    torch.testing.assert_close(c, g["f"] * c0 + g["i"] * g["g"])
    torch.testing.assert_close(h, g["o"] * torch.tanh(c))
    gru = GRUCell(2, 4).double()
    h, g = gru(x, h0)
    torch.testing.assert_close(h, (1 - g["z"]) * g["n"] + g["z"] * h0)
    for name in ("r", "z"):
        assert ((g[name] > 0) & (g[name] < 1)).all()


def test_clamp_holds_a_gate_constant():
    torch.manual_seed(2)
    lstm = LSTMCell(2, 4)
    x, h0, c0 = torch.randn(3, 2), torch.randn(3, 4), torch.randn(3, 4)
    (h, c), g = lstm(x, (h0, c0), clamp={"f": 1.0, "i": 0.0})
    torch.testing.assert_close(c, c0)                  # forget=1, input=0: memory kept as is
    assert (g["f"] == 1).all()
