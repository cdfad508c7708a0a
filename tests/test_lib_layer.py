"""curator.lib sits under every app: its modules may import each other, never an app."""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "curator" / "lib"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            names.add("curator.lib")  # a relative import stays inside the package
    return names


def project_imports_outside_lib(path: Path) -> set[str]:
    return {
        name
        for name in imported_modules(path)
        if name.split(".")[0] in {"curator", "summarizer"} and not name.startswith("curator.lib")
    }


def test_lib_modules_import_no_app():
    modules = sorted(LIB.glob("*.py"))
    assert len(modules) >= 7
    assert {path.name: project_imports_outside_lib(path) for path in modules} == {path.name: set() for path in modules}


def test_the_rule_catches_an_app_import(tmp_path):
    module = tmp_path / "helper.py"
    module.write_text("from curator.editions.models import Issue\nfrom curator.lib import plural\n")
    assert project_imports_outside_lib(module) == {"curator.editions.models"}
