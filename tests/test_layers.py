"""Imports run one way: from a higher layer of the product to a lower one, never back up, and never into the tools.

The product is ``models/``, ``playground/``, ``pages/`` and ``deploy/``; ``LAYERS`` orders it from the
bottom up. A module belongs to the layer of the longest name in ``LAYERS`` that it is or lies under,
so a module may sit above its folder (the claims machinery reads every text of the product). The
graph is read from the source with ``ast`` (nothing is imported), imports inside functions and
under ``TYPE_CHECKING`` included: an import anywhere is a dependency.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("models", "playground", "pages", "deploy")
TOOLS = "tools"          # for tests and measurements: the product never imports them

# Bottom up. Within a layer, modules import each other freely; across layers, only downwards.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("models: cells, networks, the architecture table", ("models",)),
    ("settings, tasks and links: the field table, the task registry, the URL flags and what they need",
     ("playground.config", "playground.live_settings", "playground.tasks", "playground.links", "playground.errors",
      "playground.markup", "playground.field_values", "playground.strict_numbers", "playground.delegation")),
    ("engine: training, probing, analysis", ("playground.engine",)),
    ("lessons: what the teaching pages compute", ("playground.lessons",)),
    ("figures: data in, Plotly figure out", ("playground.figures",)),
    ("io: files in and out", ("playground.io",)),
    ("backends: where live runs train", ("playground.backends",)),
    ("sweeps: grids of runs", ("playground.sweeps",)),
    ("the core's front: page tables, the home page's gallery, presenter, the CLI and bench, the claims of every text",
     ("playground", "playground.lessons.claims", "playground.lessons.claim_check")),
    ("ui: the Streamlit glue and the entrypoint", ("playground.ui", "playground.app")),
    ("pages and the room", ("pages", "deploy")),
)

def layer_of(module: str) -> int:
    """The index in ``LAYERS`` of the longest name there that ``module`` is or lies under."""
    best, best_len = None, -1
    for index, (_, names) in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > best_len:
                best, best_len = index, len(name)
    if best is None:
        raise KeyError(f"{module} is in no layer: add it to LAYERS")
    return best


def module_name(root: Path, path: Path) -> str:
    """``playground/engine/live.py`` -> ``playground.engine.live``; a package's ``__init__`` is the package."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_modules(root: Path) -> dict[str, Path]:
    """Every module of the product under ``root``, by name."""
    return {module_name(root, path): path for folder in PRODUCT for path in sorted((root / folder).rglob("*.py"))}


def imports_of(name: str, path: Path, modules: set[str]) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file: ``from a import b`` names ``a.b`` when that
    is a module of the product, else ``a``; relative imports are resolved against the file's package."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                child = f"{base}.{alias.name}"
                found.append((child if child in modules else base, node.lineno))
    return found


def import_graph(root: Path) -> list[tuple[str, str, int]]:
    """(importer, imported, line) for every import of the product or the tools by the product under ``root``."""
    modules = product_modules(root)
    edges = []
    for name, path in modules.items():
        for target, line in imports_of(name, path, set(modules)):
            top = target.split(".")[0]
            if top in PRODUCT or top == TOOLS:
                edges.append((name, target, line))
    return edges


def wrong_way(edges: list[tuple[str, str, int]]) -> list[str]:
    """One line per import that runs up the layers or into the tools."""
    found = []
    for source, target, line in edges:
        if target.split(".")[0] == TOOLS:
            found.append(f"{source}:{line} imports {target}: the product never imports the tools")
        elif layer_of(target) > layer_of(source):
            found.append(f"{source}:{line} imports {target}, which sits higher "
                         f"({LAYERS[layer_of(target)][0].split(':')[0]} over {LAYERS[layer_of(source)][0].split(':')[0]})")
    return found


def test_the_product_imports_only_downwards_and_never_the_tools():
    assert wrong_way(import_graph(ROOT)) == []


def test_every_product_module_has_a_layer():
    for name in product_modules(ROOT):
        layer_of(name)


def test_a_synthetic_graph_with_an_arrow_up_or_into_the_tools_is_caught():
    assert wrong_way([("playground.engine.trainer", "playground.config", 1),
                      ("pages.train", "playground.ui.keys", 2)]) == []
    found = wrong_way([("playground.engine.bench", "playground.backends.pool", 3),
                       ("models.network", "tools.local_server", 4),
                       ("playground.lessons.deck", "playground.lessons.claims", 5)])
    assert [line.split(" ")[0] for line in found] == ["playground.engine.bench:3", "models.network:4",
                                                      "playground.lessons.deck:5"]


def test_a_planted_module_with_bad_imports_is_caught(tmp_path):
    for folder in PRODUCT:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "playground" / "engine").mkdir()
    (tmp_path / "playground" / "engine" / "__init__.py").write_text("")
    (tmp_path / "playground" / "engine" / "planted.py").write_text(
        '"""Planted."""\nfrom . import live\n\n\ndef late():\n    from playground.ui import keys\n    return keys\n')
    (tmp_path / "playground" / "engine" / "live.py").write_text('"""Fine: same layer."""\n')
    (tmp_path / "models" / "planted.py").write_text('"""Planted."""\nimport tools.local_server\n')
    (tmp_path / "deploy" / "room.py").write_text('"""Fine: the top may import down."""\nfrom playground import cli\n')
    found = wrong_way(import_graph(tmp_path))
    assert len(found) == 2, found
    assert found[0].startswith("models.planted:2 imports tools.local_server")
    assert found[1].startswith("playground.engine.planted:6 imports playground.ui")
