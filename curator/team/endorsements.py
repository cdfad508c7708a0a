"""What the team's marks tell the ranking: entries a member suggested or voted for count as wanted."""

from __future__ import annotations

from django.db.models import Q


def endorsed_entry_ids() -> Q:
    """Entries with a suggestion or a vote, as a condition the ranking adds to its positives."""
    from curator.team.models import Suggestion, Vote

    return Q(pk__in=Suggestion.objects.values("entry_id")) | Q(pk__in=Vote.objects.values("entry_id"))
