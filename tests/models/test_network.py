"""The glass-box replay agrees with the fused kernels; weights load into plain torch.nn."""
import pytest
import torch
from torch import nn

from models.architectures import ARCH_NAMES, MATRIX_ARCHS, architecture
from models.init import init_recurrent, spectral_radius
from models.network import Intervention, SequenceNet, build_network
from playground.config import RunConfig
from playground.tasks import make_task


@pytest.mark.parametrize("arch", ARCH_NAMES)
@pytest.mark.parametrize("layers", [1, 3])
def test_replay_matches_fused_kernel(arch, layers):
    torch.manual_seed(0)
    net = SequenceNet(arch, input_size=2, hidden=16, layers=layers, output_size=3)
    x = torch.randn(5, 30, 2)
    out, _ = net(x)
    replay = net.replay(x)
    torch.testing.assert_close(replay.out, out, rtol=0, atol=1e-5)
    assert len(replay.h) == layers and len(replay.h[-1]) == 30
    assert set(replay.gates[0]) == set(net.gate_names)


def test_replay_with_token_ids_and_relu():
    torch.manual_seed(0)
    net = SequenceNet("rnn", 0, 8, 2, 5, vocab_size=11, activation="relu")
    x = torch.randint(0, 11, (4, 12))
    torch.testing.assert_close(net.replay(x).out, net(x)[0], rtol=0, atol=1e-5)


@pytest.mark.parametrize("arch", MATRIX_ARCHS)
def test_state_dict_loads_into_plain_torch_modules(arch):
    net = SequenceNet(arch, 2, 8, 2, 1)
    fused = architecture(arch).fused(2, 8, 2, batch_first=True)
    head = nn.Linear(8, 1)
    sd = net.state_dict()
    fused.load_state_dict({k[4:]: v for k, v in sd.items() if k.startswith("rnn.")})
    head.load_state_dict({k[5:]: v for k, v in sd.items() if k.startswith("head.")})
    x = torch.randn(3, 7, 2)
    torch.testing.assert_close(head(fused(x)[0]), net(x)[0])


def test_identity_intervention_changes_nothing_and_scale_changes_output():
    torch.manual_seed(3)
    net = SequenceNet("lstm", 1, 6, 1, 1)
    x = torch.randn(2, 10, 1)
    base = net.replay(x).out
    assert Intervention().is_identity()
    torch.testing.assert_close(net.replay(x, Intervention()).out, base)
    assert not torch.allclose(net.replay(x, Intervention(scale_hh=0.0)).out, base)
    ablated = net.replay(x, Intervention(ablate=(0, 2)))
    assert (ablated.h[-1][4][:, [0, 2]] == 0).all()


@pytest.mark.parametrize("arch", MATRIX_ARCHS)
def test_initialisations(arch):
    gen = torch.Generator().manual_seed(0)
    net = SequenceNet(arch, 1, 32, 1, 1)
    H = 32
    init_recurrent(net.rnn, "spectral", radius=1.1, generator=gen)
    for block in net.rnn.weight_hh_l0.split(H):
        assert spectral_radius(block) == pytest.approx(1.1, rel=1e-4)
    init_recurrent(net.rnn, "identity", generator=gen)
    for block in net.rnn.weight_hh_l0.split(H):
        torch.testing.assert_close(block, torch.eye(H))
    init_recurrent(net.rnn, "orthogonal", generator=gen)
    for block in net.rnn.weight_hh_l0.split(H):
        torch.testing.assert_close(block @ block.T, torch.eye(H), atol=1e-5, rtol=0)


@pytest.mark.parametrize("arch", sorted(set(ARCH_NAMES) - set(MATRIX_ARCHS)))
@pytest.mark.parametrize("scheme", ["orthogonal", "identity", "spectral"])
def test_a_cell_without_a_recurrent_matrix_keeps_its_own_init(arch, scheme):
    """The W_hh schemes do not apply to a scan cell: the network is the default one, weight for weight."""
    nets = [build_network(c, make_task(c), torch.Generator().manual_seed(0))
            for c in (RunConfig(arch=arch, hidden=8), RunConfig(arch=arch, hidden=8, init=scheme))]
    for (name, a), b in zip(nets[0].state_dict().items(), nets[1].state_dict().values()):
        assert torch.equal(a, b), name


@pytest.mark.parametrize("arch", MATRIX_ARCHS)
def test_identity_init_sets_the_candidate_block_only_in_a_gated_cell(arch):
    row = architecture(arch)
    config = RunConfig(arch=arch, hidden=8, init="identity", activation="relu" if row.takes_activation else "tanh")
    net = build_network(config, make_task(config), torch.Generator().manual_seed(0))
    H = 8
    for name, block in zip(row.blocks, net.rnn.weight_hh_l0.split(H)):
        is_eye = torch.equal(block, torch.eye(H))
        assert is_eye == (not row.gated or name == row.candidate), name
    assert (net.rnn.bias_hh_l0 == 0).all() == (not row.gated)     # IRNN: the vanilla RNN's biases start at 0


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_gate_bias_moves_the_memory_gate_only(arch):
    row = architecture(arch)
    plain = RunConfig(arch=arch, hidden=8)
    nets = [build_network(c, make_task(c), torch.Generator().manual_seed(0)) for c in (plain, plain.replace(gate_bias=1.0))]
    biases = [dict(net.rnn.named_parameters()) for net in nets]
    name = "bias_ih_l0" if row.has_recurrent_matrix else "cells.0.bias_ih"
    if name not in biases[0]:                       # a cell without an input bias has no memory gate to move
        assert row.memory_gate is None and all(torch.equal(a, b) for a, b in zip(*(b.values() for b in biases)))
        return
    diff = (biases[1][name] - biases[0][name]).detach()
    expected = torch.zeros_like(diff)
    if row.memory_gate is not None:
        k = row.blocks.index(row.memory_gate)
        expected[k * 8:(k + 1) * 8] = 1.0
    torch.testing.assert_close(diff, expected)
