"""Search sits above editions: no lower app may import it (docs/architecture.md)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOWER = ["curator/outbox", "curator/feeds", "curator/ranking", "summarizer", "curator/editions", "curator/mailing"]
IMPORTS_SEARCH = re.compile(r"^\s*(from|import)\s+curator\.search\b", re.MULTILINE)


def test_no_lower_app_imports_search():
    lower = [path for folder in LOWER for path in sorted((REPO / folder).rglob("*.py"))]
    assert len(lower) > 50  # it walked the apps, not empty folders
    offenders = [str(path.relative_to(REPO)) for path in lower if IMPORTS_SEARCH.search(path.read_text())]
    assert offenders == []


def test_search_imports_no_app_above_it():
    modules = sorted((REPO / "curator/search").rglob("*.py"))
    assert len(modules) > 5
    offenders = [
        str(path.relative_to(REPO))
        for path in modules
        if re.search(r"^\s*(from|import)\s+curator\.mailing\b", path.read_text(), re.MULTILINE)
    ]
    assert offenders == []
