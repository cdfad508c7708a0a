"""`manage.py benchmark triage`: the entry changelist editors triage with, against a naive version.

The naive admin looks up each row's best draft and earlier features with its own queries (what a
first version of list_display methods would do); ours annotates both as subqueries. Both render
the same page of entries in the same run, inside a transaction that is rolled back at the end.
"""

from __future__ import annotations

import datetime
import statistics
import time
from typing import Any, cast

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.db.models import F
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curator.editions.admin_triage import TriageEntryAdminMixin
from curator.editions.drafts import first_line, ranked_drafts
from curator.editions.featured import featured_picks
from curator.editions.models import Issue, Pick
from curator.feeds.admin import EntryAdmin
from curator.feeds.models import Entry, Source
from summarizer.admin import EntryDraftsAdminMixin
from summarizer.models import Draft


class TriageEntryAdmin(TriageEntryAdminMixin, EntryDraftsAdminMixin, EntryAdmin):
    """The triage list without the ranking app's parts, which this benchmark leaves out."""

    list_display = [*EntryAdmin.list_display, *TriageEntryAdminMixin.triage_list_display]
    list_filter = [*EntryAdmin.list_filter, *TriageEntryAdminMixin.triage_list_filter]
    ordering = (F("published_at").desc(nulls_last=True), "-id")  # by date: relevance needs the ranking app
    list_per_page = 100
    actions = [*EntryDraftsAdminMixin.draft_actions, *TriageEntryAdminMixin.triage_actions]


class NaiveTriageAdmin(TriageEntryAdmin):
    """The baseline: per-row queries for the two computed columns."""

    def get_queryset(self, request):
        return Entry.objects.select_related("source")

    def best_draft_line(self, obj: Entry) -> str:
        draft = ranked_drafts().filter(entry=obj).first()
        return first_line(draft.text if draft else "") or "—"

    def featured_warning(self, obj: Entry) -> str:
        pick = featured_picks().filter(entry=obj).select_related("issue").order_by("-issue__month").first()
        return f"⚠ in “{pick.issue}”" if pick else ""


def add_arguments(parser: Any) -> None:
    parser.add_argument("--entries", type=int, default=500, help="entries in the month (default 500)")
    parser.add_argument("--drafts", type=int, default=3, help="drafts per entry (default 3)")
    parser.add_argument("--repeat", type=int, default=5, help="renders per admin; the median counts (default 5)")


def _populate(entries: int, drafts: int) -> None:
    source = Source.objects.create(name="Benchmark source", url="https://bench.example.org/feed")
    now = timezone.now()
    rows = Entry.objects.bulk_create(
        Entry(
            source=source,
            guid=f"bench-{n}",
            title=f"Benchmark entry {n}",
            url=f"https://bench.example.org/{n}",
            published_at=now - datetime.timedelta(minutes=n),
        )
        for n in range(entries)
    )
    Draft.objects.bulk_create(
        Draft(entry=entry, text=f"Draft {d} of {entry.title}.\nMore.", engine=("model", "fallback")[d % 2])
        for entry in rows
        for d in range(drafts)
    )
    earlier = Issue.objects.create(title="Benchmark earlier issue", month=datetime.date(2000, 1, 1))
    section = earlier.sections.first()
    Pick.objects.bulk_create(
        Pick(issue=earlier, section=section, entry=entry, title=entry.title) for entry in rows[::10]
    )
    Issue.objects.filter(pk=earlier.pk).update(status=Issue.Status.SENT, sent_at=now)


def _render(model_admin: TriageEntryAdmin, user: Any) -> tuple[int, float, float, int]:
    request = RequestFactory().get("/admin/feeds/entry/")
    request.user = user
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]  # what the messages middleware sets
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = cast(TemplateResponse, model_admin.changelist_view(request))
        response.render()
        seconds = time.perf_counter() - started
    sql_seconds = sum(float(query["time"]) for query in ctx.captured_queries)
    return (
        len(ctx.captured_queries),
        seconds,
        sql_seconds,
        len(cast(dict[str, Any], response.context_data)["cl"].result_list),
    )


def _measure(model_admin: TriageEntryAdmin, user: Any, repeat: int) -> tuple[int, float, float, int]:
    runs = [_render(model_admin, user) for _ in range(repeat)]
    median = statistics.median
    return runs[-1][0], median(run[1] for run in runs), median(run[2] for run in runs), runs[-1][3]


def run(stdout: Any, entries: int = 500, drafts: int = 3, repeat: int = 5, **options: Any) -> dict:
    figures: dict[str, Any] = {"entries": entries, "drafts_per_entry": drafts, "database": connection.vendor}
    with transaction.atomic():
        _populate(entries, drafts)
        user = get_user_model().objects.create_superuser("benchmark-editor", "bench@example.org", None)
        for name, cls in (("annotated", TriageEntryAdmin), ("naive", NaiveTriageAdmin)):
            model_admin = cls(Entry, admin.site)
            model_admin.list_per_page = entries  # type: ignore[misc]  # one page with every entry: the N in N+1 is the whole month
            queries, seconds, sql_seconds, rows = _measure(model_admin, user, repeat)
            figures[f"{name}_queries"] = queries
            figures[f"{name}_ms"] = round(seconds * 1000, 1)
            figures[f"{name}_sql_ms"] = round(sql_seconds * 1000, 1)
            figures[f"{name}_rows"] = rows
            stdout.write(
                f"{name}: {rows} rows, {queries} queries, {seconds * 1000:.1f} ms"
                f" of which SQL {sql_seconds * 1000:.1f} ms (median of {repeat})"
            )
        transaction.set_rollback(True)
    figures["speedup"] = round(figures["naive_ms"] / figures["annotated_ms"], 2) if figures["annotated_ms"] else None
    return figures
