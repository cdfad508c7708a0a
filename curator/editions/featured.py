"""Whether an entry already went out to readers in an earlier issue."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery

from curator.editions.models import Issue, Pick


def featured_picks():
    """Picks that subscribers have received (or are receiving right now)."""
    return Pick.objects.filter(issue__status__in=Issue.LOCKED_STATUSES)


def was_featured() -> Exists:
    return Exists(featured_picks().filter(entry=OuterRef("pk")))


def _latest_featured():
    return featured_picks().filter(entry=OuterRef("pk")).order_by("-issue__month", "-issue_id")


def featured_in_title() -> Subquery:
    """Title of the latest locked issue that carried the entry, for the triage warning."""
    return Subquery(_latest_featured().values("issue__title")[:1])


def featured_in_month() -> Subquery:
    """Month of that same issue: titles repeat from month to month ("Recommended reading")."""
    return Subquery(_latest_featured().values("issue__month")[:1])
