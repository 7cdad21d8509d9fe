"""The table of network shapes: every row builds, trains a step, replays, and refuses what it cannot take."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch

from models.architectures import ARCHITECTURES
from models.network import build_network
from models.networks import DEFAULT_NETWORK, NETWORK_NAMES, NETWORKS, network_of, training_forward
from playground.config import RunConfig
from playground.tasks import TASKS, make_task

ROOT = Path(__file__).resolve().parents[2]
ROWS = list(NETWORKS.values())
CLASSIC = [name for name, row in ARCHITECTURES.items() if row.fused is not None]
SCAN = [name for name, row in ARCHITECTURES.items() if row.fused is None]


def task_for(row) -> str:
    """A built-in task every row of its kind takes: reverse for an encoder–decoder, else lookahead."""
    return "reverse" if row.needs == "source_target" else "lookahead"


def config_for(row, arch="gru", **changes) -> RunConfig:
    return RunConfig(network=row.name, arch=arch, task=task_for(row), seq_len=6, lag=2, hidden=5, layers=2,
                     **changes)


def test_the_table_names_each_row_once_and_the_default_is_the_one_way_stack():
    assert NETWORK_NAMES == tuple(row.name for row in ROWS) and len(set(NETWORK_NAMES)) == len(ROWS)
    assert NETWORKS[DEFAULT_NETWORK].hand_backward and NETWORKS[DEFAULT_NETWORK].unit_view
    assert all(row.label and row.views and row.view_rows(2) for row in ROWS)
    assert RunConfig().network == DEFAULT_NETWORK


@pytest.mark.parametrize("row", ROWS, ids=NETWORK_NAMES)
@pytest.mark.parametrize("arch", CLASSIC)
def test_every_row_builds_trains_and_replays_what_it_computes(row, arch):
    config = config_for(row, arch)
    task = make_task(config)
    net = build_network(config, task, torch.Generator().manual_seed(0))
    assert network_of(net) is row
    batch = task.sample(3, torch.Generator().manual_seed(1))
    out, _ = training_forward(net, batch)
    assert out.shape == (3, task.steps, task.output_size)
    task.loss(out, batch).backward()
    assert all(p.grad is not None for p in net.parameters() if p.requires_grad)
    with torch.no_grad():
        replay = net.replay(batch.x)
        free, _ = net(batch.x)                                  # evaluation: an encoder–decoder runs free
    rows = len(row.view_rows(config.layers))
    assert len(replay.h) == len(replay.gates) == rows and len(replay.h[0]) == task.steps
    assert torch.allclose(replay.out, free, atol=1e-5)
    assert (replay.attention is not None) == row.attends


@pytest.mark.parametrize("row", ROWS, ids=NETWORK_NAMES)
def test_the_same_seed_builds_the_same_weights(row):
    config = config_for(row)
    task = make_task(config)
    first, second = (build_network(config, task, torch.Generator().manual_seed(3)).state_dict() for _ in range(2))
    assert all(torch.equal(first[k], second[k]) for k in first)


def test_the_bidirectional_rows_are_the_two_directions_of_each_layer():
    assert NETWORKS["bidirectional"].view_rows(2) == ["layer 1 →", "layer 1 ←", "layer 2 →", "layer 2 ←"]
    assert NETWORKS["bidirectional"].top_rows == 2 and NETWORKS[DEFAULT_NETWORK].top_rows == 1


@pytest.mark.parametrize("row", [row for row in ROWS if row.fused_only], ids=lambda row: row.name)
@pytest.mark.parametrize("arch", SCAN)
def test_a_shape_for_the_classic_cells_refuses_a_scan_cell_in_one_line(row, arch):
    reason = row.problem(arch, TASKS[task_for(row)])
    assert "classic cells only" in reason and "\n" not in reason
    with pytest.raises(ValueError, match="classic cells only"):
        build_network(RunConfig(**{**config_for(row).to_dict(), "arch": arch}), make_task(config_for(row)))


@pytest.mark.parametrize("name", [name for name, cls in TASKS.items() if cls.future_in_targets])
def test_bidirectional_is_refused_where_the_targets_are_later_inputs(name):
    assert "would read the answer" in NETWORKS["bidirectional"].problem("gru", TASKS[name])


@pytest.mark.parametrize("name", [name for name, cls in TASKS.items() if not cls.source_target])
def test_an_encoder_decoder_is_refused_without_a_source_and_a_target(name):
    for row in ROWS:
        if row.needs == "source_target":
            assert "source and a target" in row.problem("gru", TASKS[name])


def test_the_tasks_that_read_the_future_or_carry_a_source_are_the_expected_ones():
    future = {name for name, cls in TASKS.items() if cls.future_in_targets}
    assert {"sine", "temperature", "charlm", "sinegen"} <= future and "lookahead" not in future
    assert {name for name, cls in TASKS.items() if cls.source_target} == {"reverse", "sort"}


# --- no module but the table names a network shape -------------------------------------------

SCANNED = ("models", "playground", "pages")
TABLE = "models/networks.py"


def network_name_literals(source: str) -> list[int]:
    """Lines of string literals equal to a network shape's name that are not run data (a ``network=``)."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in NETWORKS
            and not (isinstance(parents.get(node), ast.keyword) and parents[node].arg == "network")]


def test_only_the_table_spells_a_network_shapes_name():
    found = [f"{path.relative_to(ROOT)}:{line}" for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))
             if path.relative_to(ROOT).as_posix() != TABLE
             for line in network_name_literals(path.read_text(encoding="utf-8"))]
    assert not found, "read models.networks instead of naming a network shape: " + ", ".join(found)


def test_the_scan_sees_a_name_but_not_run_data():
    assert network_name_literals('if shape == "bidirectional":\n    pass\nRunConfig(network="seq2seq")\n') == [1]
