"""Queuing through the outbox by construction: every project task is an OutboxTask, every task named
instead of imported exists, and no tasks module is part of an import circle (docs/architecture.md)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from celery import Celery

from curator.celery import app
from curator.outbox import OutboxTask

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("curator", "summarizer")


def not_outbox_tasks(tasks: dict) -> list[str]:
    return sorted(name for name, task in tasks.items() if not isinstance(task, OutboxTask))


def project_tasks() -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.split(".")[0] in PROJECT_PACKAGES}


def test_it_finds_the_project_tasks():
    assert {"curator.mailing.tasks.send_issue_batches", "summarizer.tasks.draft_blurb"} <= set(project_tasks())


def test_every_project_task_queues_through_the_outbox():
    assert not_outbox_tasks(project_tasks()) == []


def test_it_would_see_a_task_made_with_plain_celery():
    with Celery("plain", set_as_current=False) as plain_app:  # the project's app stays the current one

        @plain_app.task(name="curator.plain.job")
        def job() -> None:
            pass

        plain = plain_app.tasks["curator.plain.job"]
    assert not_outbox_tasks({"curator.plain.job": plain}) == ["curator.plain.job"]


def source_files() -> list[Path]:
    return sorted(p for pkg in PROJECT_PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts)


def named_tasks(source: str) -> list[str]:
    """The string given to each `NamedTask(...)` call in `source`."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "NamedTask":
            argument = node.args[0]
            names.append(argument.value if isinstance(argument, ast.Constant) else ast.unparse(argument))
    return names


def unknown(names: Iterable[str]) -> list[str]:
    tasks = project_tasks()
    return [name for name in names if not isinstance(tasks.get(name), OutboxTask)]


def test_every_named_task_names_a_registered_task():
    names = [name for path in source_files() for name in named_tasks(path.read_text())]
    assert "curator.mailing.tasks.send_issue_batches" in names
    assert unknown(names) == []


def test_it_would_see_a_named_task_that_does_not_exist():
    assert unknown(named_tasks('later = NamedTask("curator.mailing.tasks.send_isue_batches")')) == [
        "curator.mailing.tasks.send_isue_batches"
    ]


def import_graph(files: Iterable[Path], root: Path) -> dict[str, set[str]]:
    """Module -> the project modules it imports, at module level or inside a function."""
    modules = {}
    for path in files:
        parts = list(path.relative_to(root).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges |= {alias.name for alias in node.names if alias.name in modules}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:  # `from package import module` imports the module
                    submodule = f"{node.module}.{alias.name}"
                    edges.add(submodule if submodule in modules else node.module)
        graph[module] = {edge for edge in edges if edge in modules and edge != module}
    return graph


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for module in graph.get(stack.pop(), ()):
            if module not in seen:
                seen.add(module)
                stack.append(module)
    return seen


def tasks_modules_in_circles(graph: dict[str, set[str]]) -> list[str]:
    return sorted(module for module in graph if module.endswith(".tasks") and module in reachable(graph, module))


def test_no_tasks_module_is_part_of_an_import_circle():
    graph = import_graph(source_files(), ROOT)
    assert "curator.mailing.control" in graph["curator.mailing.schedule"]  # the graph sees real imports
    assert tasks_modules_in_circles(graph) == []


def test_the_mailing_control_reaches_no_tasks_module():
    graph = import_graph(source_files(), ROOT)
    assert "curator.editions.workflow" in reachable(graph, "curator.mailing.control")
    assert sorted(m for m in reachable(graph, "curator.mailing.control") if m.endswith(".tasks")) == []


def test_it_would_see_a_circle_closed_inside_a_function(tmp_path):
    app_dir = tmp_path / "shop"
    app_dir.mkdir()
    (app_dir / "__init__.py").write_text("")
    (app_dir / "tasks.py").write_text("from shop import control\n")
    (app_dir / "control.py").write_text("def wake():\n    from shop.tasks import work\n")
    graph = import_graph(sorted(app_dir.glob("*.py")), tmp_path)
    assert tasks_modules_in_circles(graph) == ["shop.tasks"]


PROBE = """
import json, sys
import django
django.setup()

def tasks_modules():
    return {m for m in sys.modules if m.endswith(".tasks") and m.split(".")[0] in ("curator", "summarizer")}

before = tasks_modules()
import curator.mailing.control
after_control = tasks_modules()
import curator.mailing.tasks
print(json.dumps({"control": sorted(after_control - before), "tasks": sorted(tasks_modules() - before)}))
"""


def test_importing_the_mailing_control_imports_no_tasks_module():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "curator.settings"}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert imported["tasks"] == ["curator.mailing.tasks"]  # the probe sees a tasks module when one is imported
    assert imported["control"] == []
