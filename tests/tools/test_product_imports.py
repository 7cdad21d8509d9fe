"""The product (the app, its models and its deployment) never imports the tools: tools import the product."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("playground", "pages", "models", "deploy")


def imported_modules(path: Path):
    """Every module named by an import statement in ``path``."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_no_product_module_imports_tools():
    offenders = [f"{path.relative_to(ROOT)}: {module}"
                 for folder in PRODUCT for path in sorted((ROOT / folder).rglob("*.py"))
                 for module in imported_modules(path) if module == "tools" or module.startswith("tools.")]
    assert not offenders, offenders
