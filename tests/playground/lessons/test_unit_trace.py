"""One unit of a model: its numbers agree with the model's own forward and the probe's hand BPTT."""
import pytest
import torch

from models.bptt import bptt
from models.network import build_network
from models.architectures import ARCHITECTURES
from playground.config import RunConfig
from playground.errors import ConfigError
from playground.engine.probe import _readout_grad, _stack_layers
from playground.tasks import make_task
from playground.engine.trainer import probe_batch_for
from playground.lessons.unit_latex import backward_equations, forward_equations
from playground.lessons.unit_trace import UnitRef, parse_unit_query, unit_step


def model(arch, task="adding", layers=2, hidden=24):
    torch.manual_seed(0)
    config = RunConfig(arch=arch, task=task, seq_len=16, hidden=hidden, layers=layers, batch=8)
    task = make_task(config)
    net = build_network(config, task)
    with torch.no_grad():                                  # away from the init, as after training
        for p in net.rnn.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return net, task, probe_batch_for(config, task)


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("task", ["adding", "charlm"])
def test_unit_numbers_agree_with_the_models_own_forward(arch, task):
    net, task_, batch = model(arch, task)
    with torch.no_grad():
        fused, _ = net.rnn(net.encode(batch.x))            # the fast path: top layer's h_t (B, T, H)
        replay = net.replay(batch.x)                       # the glass-box path, float32
    for ref in (UnitRef(seq=2, layer=1, t=9, unit=5), UnitRef(seq=0, layer=0, t=0, unit=0),
                UnitRef(seq=7, layer=0, t=15, unit=23)):
        u = unit_step(net, task_, batch, ref)
        assert abs(u.h - float(replay.h[ref.layer][ref.t][ref.seq, ref.unit])) < 1e-6
        if ref.layer == net.layers - 1:
            assert abs(u.h - float(fused[ref.seq, ref.t, ref.unit])) < 1e-6
        for gate in u.gates:
            name = "pre" if gate == "a" else gate
            mine = u.pre["a"] if gate == "a" else u.out[gate]
            assert abs(mine - float(replay.gates[ref.layer][name][ref.t][ref.seq, ref.unit])) < 1e-6, gate
        if arch == "lstm":
            assert abs(u.c - float(replay.c[ref.layer][ref.t][ref.seq, ref.unit])) < 1e-6
        assert u.max_disagreement() < 1e-12


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_backward_terms_agree_with_the_probes_hand_bptt(arch):
    net, task, batch = model(arch, "charlm")
    with torch.no_grad():
        rep = net.replay(batch.x)
        hidden = _stack_layers(rep.h)
        cell = _stack_layers(rep.c) if arch == "lstm" else None
        gates = {name: _stack_layers([g[name] for g in rep.gates]) for name in net.gate_names}
    _, _, dh_out, _ = _readout_grad(net, task, batch, hidden[-1], False)
    grads = bptt(net, hidden, cell, gates, dh_out)                  # (L, T, B, H), by hand
    for ref in (UnitRef(1, 0, 3, 7), UnitRef(4, 1, 10, 2), UnitRef(0, 1, 15, 11)):
        u = unit_step(net, task, batch, ref)
        expected = float(grads.hidden[ref.layer, ref.t, ref.seq, ref.unit])
        assert u.grads["dh"] == pytest.approx(expected, rel=1e-4, abs=1e-9)
        direct = float(dh_out[ref.t, ref.seq, ref.unit]) if ref.layer == 1 else 0.0
        assert u.grads["dh_direct"] == pytest.approx(direct, rel=1e-4, abs=1e-9)
    last = unit_step(net, task, batch, UnitRef(0, 1, 15, 4))       # nothing comes after the last step
    assert abs(last.grads["dh_rest"]) < 1e-12 and last.grads["dh"] != 0


def test_equations_render_with_the_models_numbers():
    net, task, batch = model("lstm", layers=1, hidden=200)
    u = unit_step(net, task, batch, UnitRef(0, 0, 4, 150))
    latex = " ".join(text for _, text in forward_equations(u) + backward_equations(u))
    assert "c_{5}[150]" in latex and r"\cdots" in latex and f"{u.h:.4f}".replace("-", "{-}") in latex
    top = u.top_recurrent("f", 3)
    assert len(top) == 3 and abs(top[0][3]) >= abs(top[-1][3])


def test_bad_units_and_url_values():
    net, task, batch = model("gru", layers=1)
    with pytest.raises(ConfigError, match="unit 24 does not exist"):
        unit_step(net, task, batch, UnitRef(0, 0, 0, 24))
    limits = UnitRef(seq=8, layer=1, t=16, unit=24)
    ref, notes = parse_unit_query({"t": "12", "unit": "5"}, limits)
    assert ref == UnitRef(0, 0, 11, 5) and not notes
    ref, notes = parse_unit_query({"t": "999", "unit": "<b>", "seq": ["1", "3"]}, limits)
    assert ref == UnitRef(3, 0, 15, 0) and len(notes) == 2


@pytest.mark.parametrize("arch", [name for name, row in ARCHITECTURES.items() if not row.has_recurrent_matrix])
def test_the_unit_view_of_a_cell_without_w_hh_is_one_line_naming_why(arch):
    config = RunConfig(arch=arch, task="adding", seq_len=6, hidden=4)
    task = make_task(config)
    net = build_network(config, task, torch.Generator().manual_seed(0))
    with pytest.raises(ConfigError, match="has no recurrent matrix W_hh") as caught:
        unit_step(net, task, probe_batch_for(config, task), UnitRef(0, 0, 0, 0))
    assert "\n" not in str(caught.value)
