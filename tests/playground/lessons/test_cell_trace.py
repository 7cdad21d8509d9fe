"""The tiny cell's forward trace vs torch.nn cells, and its hand BPTT vs autograd (float64)."""
import numpy as np
import pytest
import torch
from torch import nn

from playground.lessons.cell_backward import WEIGHT_NAMES, backward_trace
from playground.lessons.cell_trace import CellSpec, cell_step, forward_trace, make_weights, parse_sequence, parse_targets, zero_state
from playground.errors import ConfigError, DataError

SPECS = [CellSpec("rnn", 3, 1, "tanh", 1), CellSpec("rnn", 2, 2, "relu", 4), CellSpec("rnn", 4, 1, "linear", 2),
         CellSpec("gru", 3, 1, seed=1), CellSpec("gru", 4, 2, seed=3),
         CellSpec("lstm", 3, 1, seed=1), CellSpec("lstm", 2, 2, seed=5)]
IDS = [f"{s.arch}-{s.activation}-H{s.hidden}-I{s.input_size}" for s in SPECS]


def sequence(spec):
    """Five steps; the second feature (if any) is the first doubled."""
    return np.array([[v * (1 + k) for k in range(spec.input_size)] for v in (0.5, -1.0, 2.0, 0.3, -0.7)])


def autograd_pass(trace):
    """The same network with autograd: returns (loss, weights, hs, cs, gates per step)."""
    spec = trace.spec
    W = {k: v.clone().requires_grad_(True) for k, v in make_weights(spec).items()}
    xs = torch.from_numpy(trace.x)
    state, hs, cs, gates, ys = zero_state(spec, xs), [], [], [], []
    for t in range(trace.T):
        state, h, g = cell_step(spec, xs[t:t + 1], state, W)
        hs.append(h)
        cs.append(state[1] if spec.arch == "lstm" else None)
        gates.append(g)
        ys.append((h @ W["W_hy"].T + W["b_y"])[0, 0])
    m = torch.from_numpy(trace.scored)
    loss = (m * (torch.stack(ys) - torch.from_numpy(trace.d)) ** 2).sum() / m.sum()
    return loss, W, hs, cs, gates


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_forward_trace_matches_torch_nn_cell(spec):
    trace = forward_trace(spec, sequence(spec))
    W = make_weights(spec)
    kw = {"nonlinearity": spec.activation} if spec.arch == "rnn" and spec.activation != "linear" else {}
    if spec.arch == "rnn" and spec.activation == "linear":       # torch.nn.RNNCell has no linear option
        for step in trace.steps:
            np.testing.assert_allclose(step["h"], trace.weights["W_ih"] @ step["x"] + trace.weights["b_ih"]
                                       + trace.weights["W_hh"] @ step["h_prev"] + trace.weights["b_hh"], atol=1e-12)
        return
    ref = {"rnn": nn.RNNCell, "gru": nn.GRUCell, "lstm": nn.LSTMCell}[spec.arch](spec.input_size, spec.hidden, **kw).double()
    ref.load_state_dict({"weight_ih": W["W_ih"], "weight_hh": W["W_hh"], "bias_ih": W["b_ih"], "bias_hh": W["b_hh"]})
    state = None
    with torch.no_grad():
        for t, step in enumerate(trace.steps):
            state = ref(torch.from_numpy(trace.x[t:t + 1]), state)
            h = state[0] if spec.arch == "lstm" else state
            np.testing.assert_allclose(step["h"], h[0].numpy(), rtol=0, atol=1e-12)
            if spec.arch == "lstm":
                np.testing.assert_allclose(step["c"], state[1][0].numpy(), rtol=0, atol=1e-12)
            y = h[0].numpy() @ trace.weights["W_hy"][0] + trace.weights["b_y"][0]
            assert abs(step["y"][0] - y) < 1e-12


@pytest.mark.parametrize("last_only", [False, True])
@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_hand_backward_equals_autograd(spec, last_only):
    trace = forward_trace(spec, sequence(spec), np.array([0.3, -0.2, 1.0, 0.0, 0.5]), last_only=last_only)
    grads = backward_trace(trace)
    loss, W, hs, cs, gates = autograd_pass(trace)
    assert abs(loss.item() - trace.loss) < 1e-12
    names = [n for n in gates[0] if n not in ("h", "pre")]
    nodes = list(W.values()) + hs + [c for c in cs if c is not None] + [g[n] for g in gates for n in names]
    auto = torch.autograd.grad(loss, nodes, allow_unused=True)
    auto_w, rest = auto[:len(W)], auto[len(W):]
    for name, g in zip(W, auto_w):
        np.testing.assert_allclose(grads.total[name], g.numpy(), rtol=0, atol=1e-10, err_msg=name)
    for t in range(trace.T):
        step = grads.steps[t]
        np.testing.assert_allclose(step["dh"], rest[t][0].numpy(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(step["dh_direct"] + sum(grads.paths[t].values()), step["dh"], atol=1e-14)
        if spec.arch == "lstm":
            np.testing.assert_allclose(step["dc"], rest[trace.T + t][0].numpy(), rtol=0, atol=1e-10)
    offset = trace.T * (2 if spec.arch == "lstm" else 1)
    for k, g in enumerate(rest[offset:]):
        t, name = divmod(k, len(names))
        expected = np.zeros(spec.hidden) if g is None else g[0].numpy()
        key = "dc" if names[name] == "c" else f"d_{names[name]}"     # the cell state's gradient is dc
        np.testing.assert_allclose(grads.steps[t][key], expected, rtol=0, atol=1e-10)


def test_weight_sums_accumulate_backwards():
    grads = backward_trace(forward_trace(CellSpec("gru"), parse_sequence("1, 2, 3", 1)))
    for name in WEIGHT_NAMES:
        total = sum(step[name] for step in grads.weight_steps)
        np.testing.assert_allclose(grads.weight_sums[0][name], total, atol=1e-14)
        np.testing.assert_allclose(grads.weight_sums[2][name], grads.weight_steps[2][name], atol=1e-14)


def test_parse_sequence_forms():
    assert parse_sequence("0.5, -1, 2").tolist() == [[0.5], [-1.0], [2.0]]
    assert parse_sequence("[1 2 3e-1]").tolist() == [[1.0], [2.0], [0.3]]
    assert parse_sequence("1, 0; 0, 1\n1 1", 2).tolist() == [[1, 0], [0, 1], [1, 1]]
    np.testing.assert_allclose(parse_targets("1;2", 2), [1.0, 2.0])


@pytest.mark.parametrize("text,size", [("", 1), ("   ", 1), ("a, b", 1), ("1, nan", 1), ("inf", 1), ("1e999", 1),
                                       (", ".join(["1"] * 13), 1), ("1, 2, 3", 2), ("1; 2, 3", 2), ("0x10", 1)])
def test_parse_sequence_rejects_junk_with_one_line(text, size):
    with pytest.raises(DataError) as err:
        parse_sequence(text, size)
    assert "\n" not in str(err.value) and str(err.value)


def test_bad_spec_and_target_length_are_typed_errors():
    with pytest.raises(ConfigError):
        CellSpec("transformer")
    with pytest.raises(ConfigError):
        CellSpec("rnn", hidden=5)
    with pytest.raises(DataError):
        parse_targets("1, 2", 3)


def test_every_architecture_with_w_hh_has_its_lesson_pieces():
    """The cell page and the one-unit view are written for the cells with a recurrent matrix; the
    others (the scan cells) are refused there with a one-line message."""
    from models.architectures import ARCHITECTURES
    from playground.lessons import cell_backward, cell_latex, unit_latex, unit_trace
    cells = {row.cell for row in ARCHITECTURES.values() if row.has_recurrent_matrix}
    for table in (cell_backward.BACKWARD_STEPS, cell_backward.PATHS, cell_latex.FORWARD_EQUATIONS,
                  cell_latex.GATE_GRADIENTS, unit_trace.UNIT_EQUATIONS, unit_latex.STATE_EQUATIONS):
        assert set(table) == cells
