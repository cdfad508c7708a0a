"""Tests import helpers, never each other: factories from tests/factories.py, the rest from tests/support/.

A test module or a conftest imported by another module drags its fixtures and its tests along (a fixture
imported by name shadows the conftest's, a test imported by name runs twice). Browser tests live in
tests/browser/ and real-worker tests in tests/workers/, so the fast lane can leave both folders out.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BROWSER = TESTS / "browser"
WORKERS = TESTS / "workers"


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(TESTS.parent).with_suffix("").parts)


def imported_modules(source: str, module: str) -> set[str]:
    """Every module an import may name (`from a import b` names a and a.b), relative ones resolved."""
    package = module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, *([node.module] if node.module else [])])
            names.add(name)
            names.update(f"{name}.{alias.name}" for alias in node.names)
    return names


def imports_of_tests_or_conftests(source: str, module: str) -> set[str]:
    return {
        name
        for name in imported_modules(source, module)
        if name.split(".")[0] == "tests" and (name.rsplit(".", 1)[-1].startswith("test_") or name.endswith("conftest"))
    }


def uses_marker(source: str, marker: str) -> bool:
    """True when the source says `<something>.mark.<marker>` anywhere (decorator or pytestmark)."""
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == marker
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "mark"
        for node in ast.walk(ast.parse(source))
    )


def test_no_module_under_tests_imports_a_test_module_or_a_conftest():
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 150
    found = {module_name(path): imports_of_tests_or_conftests(path.read_text(), module_name(path)) for path in modules}
    assert {name: imports for name, imports in found.items() if imports} == {}


def test_every_browser_test_lives_under_tests_browser():
    marked = [path for path in TESTS.rglob("test_*.py") if uses_marker(path.read_text(), "e2e")]
    assert len(marked) >= 10
    assert [str(path.relative_to(TESTS)) for path in marked if BROWSER not in path.parents] == []


def test_every_real_worker_test_lives_under_tests_workers():
    others = [path for path in TESTS.rglob("test_*.py") if path != Path(__file__).resolve()]
    starters = [path for path in others if "celery_worker_process" in path.read_text()]
    marked = [path for path in others if uses_marker(path.read_text(), "worker")]
    assert len(starters) >= 10
    assert [str(path.relative_to(TESTS)) for path in starters + marked if WORKERS not in path.parents] == []


def test_only_browser_tests_and_their_helpers_drive_playwright():
    users = [
        path
        for path in TESTS.rglob("*.py")
        if any(name.split(".")[0] == "playwright" for name in imported_modules(path.read_text(), module_name(path)))
    ]
    assert users
    allowed = {BROWSER, TESTS / "support"}
    assert [str(path.relative_to(TESTS)) for path in users if not allowed & set(path.parents)] == []


def test_the_rules_catch_test_and_conftest_imports_and_a_marker():
    source = (
        "import pytest\n"
        "from tests.editions.test_desk import helper\n"
        "from .conftest import add_pick\n"
        "from tests.team import conftest\n"
        "from tests.factories import send\n"
        "pytestmark = pytest.mark.e2e\n"
    )
    assert imports_of_tests_or_conftests(source, "tests.editions.test_example") == {
        "tests.editions.test_desk",
        "tests.editions.conftest",
        "tests.team.conftest",
    }
    assert uses_marker(source, "e2e") and not uses_marker(source, "worker")
