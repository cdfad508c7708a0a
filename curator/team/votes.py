"""+1 on a candidate: one per member and entry, shown with names, counted by the ranking."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from curator.feeds.models import Entry
from curator.ranking.refit import request_refit
from curator.team.models import Vote


def toggle_vote(entry_id: int, user: Any) -> bool:
    """Add the member's +1, or take it back when it is there; True when the entry now has it."""
    if not user.has_perm("team.add_vote"):
        raise PermissionDenied("You may not vote.")
    entry = Entry.objects.get(pk=entry_id)
    with transaction.atomic():
        deleted, _ = Vote.objects.filter(entry=entry, user=user).delete()
        if not deleted:
            try:
                with transaction.atomic():
                    Vote.objects.create(entry=entry, user=user)
            except IntegrityError:  # a second click that raced the first: the vote is there
                pass
        request_refit()
    return not deleted


def voters(entry_ids: list[int]) -> dict[int, list[str]]:
    """{entry id: [byline, ...]} in voting order, in one query."""
    from curator.team.marks import name_of

    out: dict[int, list[str]] = {}
    for vote in Vote.objects.filter(entry_id__in=entry_ids).select_related("user", "user__team_member"):
        out.setdefault(vote.entry_id, []).append(name_of(vote.user))
    return out
