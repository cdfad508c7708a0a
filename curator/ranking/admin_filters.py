"""Triage filters backed by the stored scores: likely picks, and every undecided entry, least sure first.

"Uncertain first" used to cut at a margin and came back empty whenever the model was sure of
everything; it now keeps every undecided entry and only changes the order (`RankedEntryAdminMixin`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest

from curator.feeds.models import Entry

UNCERTAIN = "uncertain"
# Least sure first (score closest to 0.5); entries not scored yet after them, newest first.
UNCERTAIN_ORDERING = (
    F("relevance__margin").asc(nulls_last=True),
    F("published_at").desc(nulls_last=True),
    "-id",
)


class RankingFilter(admin.SimpleListFilter):
    title = "ranking"
    parameter_name = "ranking"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("likely", "likely picks"), (UNCERTAIN, "uncertain first")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.value() == "likely":
            return queryset.filter(triage=Entry.Triage.NEW, relevance__score__gte=settings.RANKING_LIKELY_SCORE)
        if self.value() == UNCERTAIN:
            # Every undecided entry, sorted by the admin's get_ordering: the closest to 0.5 teach the most.
            return queryset.filter(triage=Entry.Triage.NEW)
        return queryset
