"""Entry.triage, Pick.position, Section.position and Issue.status change only in curator/editions/actions/.

One writer per editorial state: that module takes the issue lock and asks for the ranking refit,
so a second writer elsewhere would be a second set of guarantees. Migrations may move data.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACTIONS = ROOT / "curator" / "editions" / "actions"
GUARDED = {"triage", "position"}


def _mentions_issue_status(node: ast.AST) -> bool:
    return any(
        isinstance(sub, ast.Attribute)
        and sub.attr == "Status"
        and isinstance(sub.value, ast.Name)
        and sub.value.id == "Issue"
        for sub in ast.walk(node)
    )


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        found: list[ast.expr] = []
        for target in node.targets:
            found.extend(target.elts if isinstance(target, ast.Tuple) else [target])
        return found
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def guarded_writes(path: Path, editions: bool) -> list[str]:
    """`line: field` per guarded write; `status` counts in editions, or where it is set to an Issue.Status."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        for target in _targets(node):
            if isinstance(target, ast.Attribute) and not _is_self(target.value):
                value = getattr(node, "value", None)
                if target.attr in GUARDED or (
                    target.attr == "status" and (editions or (value is not None and _mentions_issue_status(value)))
                ):
                    found.append(f"{node.lineno}: {target.attr}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update":
                for keyword in node.keywords:
                    if keyword.arg in GUARDED or (keyword.arg == "status" and _mentions_issue_status(keyword.value)):
                        found.append(f"{node.lineno}: {keyword.arg}")
            if node.func.attr == "bulk_update" and len(node.args) > 1:
                fields = {c.value for c in ast.walk(node.args[1]) if isinstance(c, ast.Constant)}
                found.extend(f"{node.lineno}: {name}" for name in sorted(fields & GUARDED))
    return sorted(found, key=lambda write: int(write.split(":")[0]))


def project_modules() -> list[Path]:
    paths = [*(ROOT / "curator").rglob("*.py"), *(ROOT / "summarizer").rglob("*.py")]
    return sorted(p for p in paths if "migrations" not in p.parts and ACTIONS not in p.parents)


def test_only_the_actions_module_writes_editorial_state():
    offenders = {}
    assert len(project_modules()) > 100  # it walked the packages, not an empty folder
    for path in project_modules():
        editions = (ROOT / "curator" / "editions") in path.parents
        writes = guarded_writes(path, editions)
        if writes:
            offenders[str(path.relative_to(ROOT))] = writes
    assert offenders == {}


def test_the_actions_module_holds_the_writes():
    writes = [w for path in sorted(ACTIONS.glob("*.py")) for w in guarded_writes(path, True)]
    assert len(writes) >= 5


def test_the_rule_catches_each_kind_of_write(tmp_path):
    module = tmp_path / "writer.py"
    module.write_text(
        "entry.triage = 'new'\n"
        "pick.section_id, pick.position = 1, 2\n"
        "Entry.objects.filter(pk=1).update(triage='picked')\n"
        "Pick.objects.bulk_update(rows, ['position'])\n"
        "Issue.objects.filter(pk=1).update(status=Issue.Status.READY)\n"
        "issue.status = Issue.Status.DRAFT\n"
        "subscriber.status = Subscriber.Status.PENDING\n"
        "self.triage = entry.triage\n"
    )
    assert guarded_writes(module, editions=False) == [
        "1: triage",
        "2: position",
        "3: triage",
        "4: position",
        "5: status",
        "6: status",
    ]
