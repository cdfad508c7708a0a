"""Triage filters backed by the stored scores: likely picks, and the entries the model is least sure about."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from curator.feeds.models import Entry


class RankingFilter(admin.SimpleListFilter):
    title = "ranking"
    parameter_name = "ranking"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("likely", "likely picks"), ("uncertain", "uncertain first")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.value() == "likely":
            return queryset.filter(triage=Entry.Triage.NEW, relevance__score__gte=settings.RANKING_LIKELY_SCORE)
        if self.value() == "uncertain":
            # A few decisions on these teach the model the most: they sit on its decision boundary.
            return queryset.filter(triage=Entry.Triage.NEW, relevance__margin__lt=settings.RANKING_UNCERTAIN_MARGIN)
        return queryset
