"""Admin for sources, entries and ingest runs. Actions only queue work; the work lives in ingest.py."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from curator.feeds import arxiv
from curator.feeds.discover import DiscoveryError, discover_feed
from curator.feeds.fetch import Fetcher
from curator.feeds.models import FETCH_STATE_FIELDS, Entry, IngestRun, Source
from curator.feeds.sanitize import sanitized_markup
from curator.plural import counted

STATUS_COLOURS = {
    Source.Status.OK: "#1a7f37",
    Source.Status.NOT_MODIFIED: "#1a7f37",
    Source.Status.ERROR: "#cf222e",
    Source.Status.NEVER: "#6e7781",
}


class SourceForm(forms.ModelForm):
    """Accepts a feed URL or the URL of a page that links to its feed; stores the feed URL."""

    url = forms.URLField(
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="A feed URL, or a page that links to its feed (the feed is discovered). "
        "Leave empty for an arXiv query: the arXiv API is used.",
    )

    class Meta:
        model = Source
        fields = ["name", "url", "kind", "arxiv_query", "active", "section_hint", "tags", "fetch_full_text"]

    def clean(self) -> dict:
        data = super().clean()
        url, query = data.get("url"), (data.get("arxiv_query") or "").strip()
        if query:
            data["url"], data["kind"] = url or arxiv.API_URL, Source.Kind.ARXIV
            return data
        if not url:
            if "url" not in self.errors:
                self.add_error("url", "Enter a feed URL or the URL of a page that links to its feed.")
            return data
        if "url" not in self.changed_data and self.instance.pk:
            return data
        with Fetcher() as fetcher:
            try:
                found = discover_feed(url, fetcher)
            except DiscoveryError as exc:
                raise forms.ValidationError({"url": str(exc)}) from None
        data["url"] = found.url
        if data.get("kind") != Source.Kind.ARXIV and found.kind:
            data["kind"] = found.kind
        return data


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = [
        "name",
        "kind",
        "active",
        "status",
        "consecutive_failures",
        "short_error",
        "entry_count",
        "last_fetched_at",
        "next_fetch_after",
    ]
    list_filter = ["kind", "active", "last_status"]
    search_fields = ["name", "url", "arxiv_query"]
    actions = ["fetch_now"]
    readonly_fields = [*FETCH_STATE_FIELDS, "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "url", "kind", "arxiv_query", "active", "section_hint", "tags", "fetch_full_text"]}),
        ("Fetch state", {"fields": readonly_fields, "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        # Sightings, not Entry.source: an item first seen elsewhere still counts for every source carrying it.
        return super().get_queryset(request).annotate(num_entries=Count("sightings", distinct=True))

    @admin.display(description="status", ordering="last_status")
    def status(self, obj: Source) -> str:
        # safe: format_html escapes both arguments, a fixed colour and a choice label.
        return format_html(
            '<span style="color:{};font-weight:bold">{}</span>',
            STATUS_COLOURS.get(obj.last_status, "#6e7781"),
            obj.get_last_status_display(),
        )

    @admin.display(description="last error")
    def short_error(self, obj: Source) -> str:
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    @admin.display(description="entries", ordering="num_entries")
    def entry_count(self, obj: Source) -> int:
        return obj.num_entries

    def has_fetch_permission(self, request: HttpRequest) -> bool:
        """Fetching writes the source's fetch state and its entries: as much as editing the source."""
        return request.user.has_perm("feeds.change_source")

    @admin.action(description="Fetch now (ignores backoff)", permissions=["fetch"])
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        from curator.feeds.tasks import ingest_source
        from curator.outbox import handover

        ids = list(queryset.values_list("pk", flat=True))
        with handover.watch() as queued, transaction.atomic():
            for source_id in ids:
                handover.enqueue(ingest_source, source_id, force=True, trigger="admin")
        text = queued.note(f"Queued {counted(len(ids), 'source', 'sources')} for fetching.")
        self.message_user(request, text, messages.SUCCESS if queued.handed_over else messages.WARNING)


class EntryAdmin(admin.ModelAdmin):
    """The feeds app's part of the entry admin: the base that curator/admin.py composes and registers."""

    list_display = ["title", "source", "kind", "triage", "published_at", "arxiv_id"]
    list_filter = ["kind", "triage", "source", "published_at"]
    list_select_related = ["source"]
    search_fields = ["title", "authors", "abstract", "arxiv_id", "doi"]
    date_hierarchy = "published_at"
    readonly_fields = ["guid", "canonical_url", "fingerprint", "created_at", "updated_at", "content_preview"]
    # Machine-ingested HTML is never edited by hand: a form field for it would let an Editor store markup
    # that a Publisher's browser then renders. It is shown only through content_preview, cleaned again.
    exclude = ["content_html"]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="content (sanitized)")
    def content_preview(self, obj: Entry) -> str:
        return sanitized_markup(obj.content_html)


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "source",
        "trigger",
        "new",
        "updated",
        "unchanged",
        "failed",
        "not_modified",
        "http_status",
        "duration",
    ]
    list_filter = ["trigger", "not_modified", "failed", "source"]
    list_select_related = ["source"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IngestRun | None = None) -> bool:
        return False

    @admin.display(description="seconds")
    def duration(self, obj: IngestRun) -> str:
        if not obj.finished_at:
            return "—"
        return f"{(obj.finished_at - obj.started_at).total_seconds():.1f}"
