"""The team newsroom: suggestions, votes, claims and bylines. The public API is re-exported here.

The functions import their modules when called, so importing `curator.team` never needs the app registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curator.editions.models import Pick
    from curator.feeds.models import Entry


def suggest(url_or_id: str, user: Any, note: str = "") -> Entry:
    """See `curator.team.suggestions.suggest`."""
    from curator.team.suggestions import suggest as run

    return run(url_or_id, user, note)


def claim(pick: Pick, user: Any) -> Pick:
    """See `curator.team.claims.claim`."""
    from curator.team.claims import claim as run

    return run(pick, user)


def mark_written(pick: Pick, user: Any) -> Pick:
    """See `curator.team.claims.mark_written`."""
    from curator.team.claims import mark_written as run

    return run(pick, user)
