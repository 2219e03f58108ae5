"""Dependencies point inward (DESIGN §2): the application sits on top, the library never
imports the layers above it."""

import ast
from pathlib import Path

import pytest

import ridgeway

SOURCE = Path(ridgeway.__file__).parent
#: layer -> packages it must not import
FORBIDDEN = {
    "report": ("ridgeway.app",),
    "evaluation": ("ridgeway.app", "ridgeway.report"),
    "estimators": ("ridgeway.app", "ridgeway.report", "ridgeway.evaluation"),
    "selection": ("ridgeway.app", "ridgeway.report", "ridgeway.evaluation"),
    "solvers": ("ridgeway.app", "ridgeway.report", "ridgeway.evaluation"),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_import_the_layers_above(layer):
    offending = [
        f"{path.relative_to(SOURCE)} imports {name}"
        for path in sorted((SOURCE / layer).rglob("*.py"))
        for name in sorted(imports_of(path))
        if name.startswith(FORBIDDEN[layer])
    ]
    assert not offending


def test_demo_does_not_import_the_command_line():
    assert "ridgeway.app.cli" not in imports_of(SOURCE / "app" / "demo.py")
