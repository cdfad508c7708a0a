"""Migrations are history: they keep frozen copies and never import the project's runtime code or
each other, so a later refactor can neither break nor silently rewrite an applied migration."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("curator", "summarizer")
MIGRATIONS = sorted(p for pkg in PROJECT_PACKAGES for p in (ROOT / pkg).glob("**/migrations/0*.py"))


def _imports(tree: ast.AST) -> list[str]:
    """Every module name imported anywhere in the file, including inside functions and import_module()."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append("." * node.level + node.module)
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "__import__",
        ):
            names.append(f"{ast.unparse(node.func)}({', '.join(map(ast.unparse, node.args))})")
    return names


def _forbidden(name: str) -> bool:
    """Project code, a relative import or a dynamic import (the only way to load another migration)."""
    top = name.split(".")[0]
    # Django writes callables used by fields (defaults, validators) as references into the app's
    # models module: that is the schema, importable on purpose, not runtime logic.
    if top in PROJECT_PACKAGES and name.endswith(".models"):
        return False
    return top in PROJECT_PACKAGES or name.startswith(".") or "(" in name


def test_it_finds_the_migrations():
    assert len(MIGRATIONS) > 10


@pytest.mark.parametrize("path", MIGRATIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_migration_imports_project_code_or_another_migration(path: Path):
    names = _imports(ast.parse(path.read_text()))
    assert [name for name in names if _forbidden(name)] == []
