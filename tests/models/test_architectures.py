"""The architecture table: every row agrees with its cell, step and fused kernel, and no other
module branches on an architecture's name."""
import ast
from pathlib import Path

import pytest
import torch

from models.architectures import (ARCH_NAMES, ARCHITECTURES, CLASSIC_ARCHS, DEFAULT_ARCH, GATES, MATRIX_ARCHS,
                                  SIGMOID_GATES,
                                  VANILLA_ARCH, architecture)
from models.network import SequenceNet

ROOT = Path(__file__).resolve().parents[2]
ROWS = list(ARCHITECTURES.values())


def test_the_table_lists_the_classic_cells_then_the_scan_cells():
    assert ARCH_NAMES == ("rnn", "gru", "lstm", "mingru", "minlstm", "lru", "s6")
    assert MATRIX_ARCHS == ("rnn", "gru", "lstm")
    assert DEFAULT_ARCH in ARCHITECTURES and VANILLA_ARCH in ARCHITECTURES
    assert not architecture(VANILLA_ARCH).gated
    assert [row.label for row in ROWS] == ["vanilla RNN", "GRU", "LSTM", "minGRU", "minLSTM", "LRU", "S6 (Mamba)"]
    assert len({row.colour for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=ARCH_NAMES)
def test_a_row_without_a_fused_kernel_is_a_scan_cell_without_a_hand_written_backward(row):
    """What the probe, init and the pages read: a fused kernel comes with W_hh and a backward."""
    assert (row.fused is None) == (row.backward is None) == (not row.has_recurrent_matrix) == (row.candidate is None)
    assert row.has_spectral_radius == (row.has_recurrent_matrix or row.cell.has_eigenvalues)
    assert isinstance(row.build_layers(3, 4, 2, "tanh"), row.kernel if row.fused else torch.nn.Module)


def test_an_unknown_name_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="rnn, gru, lstm, mingru, minlstm, lru, s6"):
        architecture("transformer")


@pytest.mark.parametrize("row", ROWS, ids=ARCH_NAMES)
def test_the_cell_returns_exactly_the_rows_gates(row):
    cell = row.cell(3, 5)
    state, gates = cell(torch.randn(2, 3))
    assert tuple(gates) == row.cell.gate_names and gates["h"] is row.hidden_of(state)
    assert row.gates == tuple(name for name in row.cell.gate_names if name != "h")
    assert ("c" in row.gates) == row.has_cell_state
    assert isinstance(state, tuple) == (row.has_cell_state or isinstance(row.zero_state(torch.zeros(2, 5)), tuple))


@pytest.mark.parametrize("row", ROWS, ids=ARCH_NAMES)
def test_the_step_is_the_cells_step(row):
    cell = row.cell(3, 5)
    x = torch.randn(2, 3)
    state = row.zero_state(x.new_zeros(2, 5))
    by_step, _ = row.step(x, state, *cell.weights(), **row.step_options("tanh"))
    by_cell, _ = cell(x, state)
    assert torch.equal(row.hidden_of(by_step), row.hidden_of(by_cell))


@pytest.mark.parametrize("row", [architecture(name) for name in MATRIX_ARCHS], ids=MATRIX_ARCHS)
def test_the_fused_kernel_stacks_the_rows_gate_blocks(row):
    H, I = 5, 3
    fused = row.fused(I, H, 1, batch_first=True, **row.fused_options("tanh"))
    cell = row.cell(I, H)
    assert fused.weight_ih_l0.shape == cell.weight_ih.shape == (row.gate_blocks * H, I)
    assert fused.weight_hh_l0.shape == cell.weight_hh.shape == (row.gate_blocks * H, H)
    assert len(row.blocks) == row.gate_blocks


@pytest.mark.parametrize("row", ROWS, ids=ARCH_NAMES)
def test_the_rows_gate_roles_name_its_own_gates(row):
    assert set(row.sigmoid_gates) <= set(row.gates) and set(row.sigmoid_gates) <= SIGMOID_GATES
    assert set(row.clampable) <= set(row.gates)
    assert row.candidate is None or row.candidate in row.blocks
    assert row.memory_gate is None or row.memory_gate in row.sigmoid_gates
    assert row.reset_gate is None or row.reset_gate in row.sigmoid_gates
    assert row.takes_activation == bool(row.step_options("tanh")) == bool(row.fused_options("tanh"))


@pytest.mark.parametrize("row", ROWS, ids=ARCH_NAMES)
def test_the_row_has_a_word_for_every_gate_it_shows_and_a_meaning_for_every_clamp(row):
    """Figures, equations and the interventions page read their gate words from the row."""
    named = [gate.name for gate in row.words]
    assert set(row.cell.gate_names) <= set(named) and len(named) == len(set(named))
    assert all(row.gate(name).word and row.gate(name).title.endswith("_t") for name in named)
    assert all(row.gate(name).clamp for name in row.clampable)
    assert not [gate.name for gate in row.words if gate.clamp and gate.name not in row.clampable]


def test_one_gate_name_means_one_word_in_every_row():
    """A name is one word and symbol everywhere (figure titles read ``GATES``); what clamping it
    means is the row's own (minGRU's z writes the candidate where the GRU's z keeps h)."""
    for row in ROWS:
        for gate in row.words:
            assert (GATES[gate.name].word, GATES[gate.name].symbol) == (gate.word, gate.symbol), (row.name, gate.name)
    assert CLASSIC_ARCHS == MATRIX_ARCHS        # the lessons compare the cells with a recurrent matrix


@pytest.mark.parametrize("row", ROWS, ids=ARCH_NAMES)
def test_the_replay_records_the_rows_gates_and_matches_the_fused_kernel(row):
    torch.manual_seed(0)
    net = SequenceNet(row.name, 2, 4, layers=2)
    x = torch.randn(3, 6, 2)
    replay = net.replay(x)
    assert tuple(replay.gates[0]) == row.gates == net.gate_names
    assert torch.allclose(replay.out, net(x)[0], atol=1e-5)
    assert bool(replay.c[0]) == row.has_cell_state


# --- no module but the table branches on an architecture's name ------------------------------

SCANNED = ("models", "playground", "pages", "tools")
TABLE = "models/architectures.py"


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _names_a_run(node: ast.Constant, parents: dict) -> bool:
    """True for run data: the value of ``arch=`` in a call, or of an "arch" key in a dict literal."""
    parent = parents.get(node)
    if isinstance(parent, ast.keyword):
        return parent.arg == "arch"
    if isinstance(parent, ast.Dict):
        for key, value in zip(parent.keys, parent.values):
            if value is node:
                return isinstance(key, ast.Constant) and key.value == "arch"
    return False


def arch_name_literals(source: str) -> list[int]:
    """Lines of the string literals equal to an architecture's name that are not run data."""
    tree = ast.parse(source)
    parents = _parents(tree)
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in ARCHITECTURES and not _names_a_run(node, parents)]


def test_only_the_table_spells_an_architectures_name():
    found = [f"{path.relative_to(ROOT)}:{line}" for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))
             if path.relative_to(ROOT).as_posix() != TABLE
             for line in arch_name_literals(path.read_text(encoding="utf-8"))]
    assert not found, "read models.architectures instead of naming an architecture: " + ", ".join(found)


def test_the_scan_sees_a_branch_on_a_name_but_not_run_data():
    source = 'if arch == "lstm":\n    pass\nrun = {"arch": "gru"}\nconfig = dict(arch="rnn")\nx = {"rnn", "gru"}\n'
    assert arch_name_literals(source) == [1, 5, 5]
