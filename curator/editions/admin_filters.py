"""Changelist filters for triage that Django does not ship: a date range, has-draft, featured-before."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from curator.editions.featured import was_featured
from summarizer.models import Draft


class PublishedRangeFilter(admin.ListFilter):
    """Published between two dates (either end optional), as a small GET form in the sidebar."""

    title = "published between"
    template = "admin/editions/date_range_filter.html"
    start_param, end_param = "published_from", "published_to"

    def __init__(self, request: HttpRequest, params: dict, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        for name in (self.start_param, self.end_param):
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def _date(self, name: str) -> datetime.date | None:
        raw = str(self.used_parameters.get(name) or "").strip()
        if not raw:
            return None
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            # The changelist shows "invalid filter" and the unfiltered list: nothing is silently dropped.
            raise IncorrectLookupParameters(f"{name}={raw!r} is not a date (YYYY-MM-DD)") from None

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str | None]:
        return [self.start_param, self.end_param]

    def choices(self, changelist):
        # One pseudo-choice carrying what the template needs to draw the form.
        keep = {
            key: value for key, value in changelist.params.items() if key not in (self.start_param, self.end_param, "p")
        }
        yield {
            "start_param": self.start_param,
            "end_param": self.end_param,
            "start": self.used_parameters.get(self.start_param, ""),
            "end": self.used_parameters.get(self.end_param, ""),
            "keep": sorted(keep.items()),
            "clear_url": changelist.get_query_string(remove=[self.start_param, self.end_param]),
            "active": bool(self.used_parameters.get(self.start_param) or self.used_parameters.get(self.end_param)),
        }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        start, end = self._date(self.start_param), self._date(self.end_param)
        tz = timezone.get_current_timezone()
        if start:
            queryset = queryset.filter(published_at__gte=datetime.datetime.combine(start, datetime.time.min, tz))
        if end:
            day_after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz)
            queryset = queryset.filter(published_at__lt=day_after)
        return queryset


class HasDraftFilter(admin.SimpleListFilter):
    title = "has draft"
    parameter_name = "has_draft"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        has = Exists(Draft.objects.filter(entry=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(has)
        if self.value() == "no":
            return queryset.filter(~has)
        return queryset


class FeaturedFilter(admin.SimpleListFilter):
    title = "featured in a past issue"
    parameter_name = "featured"

    def lookups(self, request: HttpRequest, model_admin) -> list[tuple[str, str]]:
        return [("yes", "yes"), ("no", "no")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.filter(was_featured())
        if self.value() == "no":
            return queryset.filter(~was_featured())
        return queryset
