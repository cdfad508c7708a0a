"""Search over everything the team has read and published: one function, two scopes (docs/search.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curator.search.query import Hit


def search(query: str, scope: str = "archive", limit: int = 20) -> list[Hit]:
    """Hybrid full-text and semantic search; `scope` is "archive" (published only) or "staff" (everything)."""
    from curator.search.query import search as run

    return run(query, scope=scope, limit=limit)
