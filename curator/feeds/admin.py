"""Admin for sources, entries and ingest runs. Actions only queue work; the work lives in ingest.py."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from curator.feeds import arxiv, fetch_progress, fetch_report
from curator.feeds.discover import DiscoveryError, discover_feed
from curator.feeds.fetch import ALLOW_SETTING, Fetcher
from curator.feeds.models import FETCH_STATE_FIELDS, Entry, IngestRun, Source
from curator.feeds.sanitize import sanitized_markup
from curator.ids import parse_id
from curator.lib.clip import clip
from curator.lib.plural import counted

STATUS_COLOURS: dict[str, str] = {
    Source.Status.OK: "#1a7f37",
    Source.Status.NOT_MODIFIED: "#1a7f37",
    Source.Status.ERROR: "#cf222e",
    Source.Status.NEVER: "#6e7781",
}


def short_time(moment: datetime.datetime | None) -> str:
    """2026-11-30 06:00 in the site's time zone: a list column as narrow as a time can be."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


class ListField(forms.CharField):
    """A JSON list of strings edited as text: one item per separator, blanks dropped, order kept.

    Round-trips: an unchanged box gives back the same list, so saving the page changes nothing.
    """

    def __init__(self, *, separator: str = ",", **kwargs: Any) -> None:
        self.separator = separator
        kwargs.setdefault("required", False)
        super().__init__(strip=True, **kwargs)

    def prepare_value(self, value: object) -> object:
        if isinstance(value, list):
            joiner = "\n" if self.separator == "\n" else f"{self.separator} "
            return joiner.join(str(item) for item in value)
        return value

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]  # a list field built on CharField
        if isinstance(value, list):
            return [str(item) for item in value]
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(self.separator) if item.strip()]

    def has_changed(self, initial: object, data: object) -> bool:
        return self.to_python(initial if initial is not None else []) != self.to_python(data)


class SourceForm(forms.ModelForm):
    """Accepts a feed URL or the URL of a page that links to its feed; stores the feed URL."""

    url = forms.URLField(
        label="Feed address",
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text="A feed URL, or a page that links to its feed (the feed is discovered). "
        "Leave empty for an arXiv query: the arXiv API is used.",
    )
    tags = ListField(help_text="Comma-separated, e.g. robotics, agents.")

    class Meta:
        model = Source
        fields = ["name", "url", "kind", "arxiv_query", "active", "section_hint", "tags", "fetch_full_text"]
        labels = {"arxiv_query": "arXiv search"}  # a model label would be capitalised to "ArXiv"

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data  # what Form.clean() returns, typed as a dict
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
        "kind_label",
        "active",
        "status",
        "consecutive_failures",
        "short_error",
        "entry_count",
        "fetched",
        "backoff_until",
    ]
    list_filter = ["kind", "active", "last_status"]
    search_fields = ["name", "url", "arxiv_query"]
    actions = ["fetch_now"]
    readonly_fields = [*FETCH_STATE_FIELDS, "created_at"]
    fieldsets = [
        (None, {"fields": ["name", "url", "kind", "arxiv_query", "active", "section_hint", "tags", "fetch_full_text"]}),
        ("Fetch state", {"fields": [*readonly_fields], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        # Sightings, not Entry.source: an item first seen elsewhere still counts for every source carrying it.
        queryset = super().get_queryset(request).annotate(num_entries=Count("sightings", distinct=True))
        return queryset.annotate(fetch_asked_at=fetch_progress.last_fetch_now())

    @admin.display(description="status", ordering="last_status")
    def status(self, obj: Source) -> str:
        if fetch_progress.is_waiting(obj):
            # safe: format_html escapes the fixed text; nothing stored is shown.
            return format_html(
                '<span class="fetch-waiting" style="color:#9a6700;font-weight:bold">{}</span>', "fetching…"
            )
        # safe: format_html escapes both arguments, a fixed colour and a choice label.
        return format_html(
            '<span style="color:{};font-weight:bold">{}</span>',
            STATUS_COLOURS.get(obj.last_status, "#6e7781"),
            obj.get_last_status_display(),
        )

    @admin.display(description="last error")
    def short_error(self, obj: Source) -> str:
        if not obj.last_error:
            return ""
        # safe: format_html escapes the stored error text in both places; only the fixed markup is trusted.
        shown = format_html(
            '<span class="clamp" title="{}">{}</span>', obj.last_error[:1000], clip(obj.last_error, 160)
        )
        if ALLOW_SETTING in obj.last_error:
            # The clip can cut the hint off: say in the list itself that an operator setting lifts the refusal.
            # safe: fixed text only.
            shown += format_html("<br><small>allowed only by an operator setting: {}</small>", ALLOW_SETTING)
        return shown

    @admin.display(description="entries", ordering="num_entries")
    def entry_count(self, obj: Source) -> int:
        return obj.num_entries  # type: ignore[attr-defined]  # annotated by get_queryset

    @admin.display(description="kind", ordering="kind")
    def kind_label(self, obj: Source) -> str:
        return obj.get_kind_display().split(" (")[0]  # "arXiv", not the form's long explanation

    @admin.display(description="last fetched", ordering="last_fetched_at")
    def fetched(self, obj: Source) -> str:
        return short_time(obj.last_fetched_at)

    @admin.display(description="backoff until", ordering="next_fetch_after")
    def backoff_until(self, obj: Source) -> str:
        return short_time(obj.next_fetch_after)

    def has_fetch_permission(self, request: HttpRequest) -> bool:
        """Fetching writes the source's fetch state and its entries: as much as editing the source."""
        return request.user.has_perm("feeds.change_source")

    @admin.action(description="Fetch now (ignores backoff)", permissions=["fetch"])
    def fetch_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        from curator.feeds.tasks import ingest_source
        from curator.outbox import handover

        ids = list(queryset.values_list("pk", flat=True))
        clicked = timezone.now()
        with handover.watch() as queued, transaction.atomic():
            for source_id in ids:
                ingest_source.delay(source_id, force=True, trigger="admin")
        # Eager (the demo): the fetch has already run by now, so say what it did rather than "Queued".
        report = fetch_report.finished(ids, clicked) if queued.handed_over else None
        if report is not None:
            text = fetch_report.describe(report, self.fetch_follow_up(report.new_entry_ids))
            self.message_user(request, text, messages.WARNING if report.failures else messages.SUCCESS)
            return
        text = f"Queued {counted(len(ids), 'source', 'sources')} for fetching."
        if queued.handed_over:
            text += " Reload this list in a minute to see each source's status and its new entries."
        queued.tell(request, text)

    def fetch_follow_up(self, new_entry_ids: list[int]) -> str:
        """What other apps did with the new entries (drafted, ranked); the composed admin says it."""
        return ""


class EntryForm(forms.ModelForm):
    """Authors one per line (a name may hold a comma); categories and tags comma-separated."""

    authors = ListField(separator="\n", widget=forms.Textarea(attrs={"rows": 3}), help_text="One name per line.")
    categories = ListField(help_text="Comma-separated, e.g. cs.LG, stat.ML.")
    tags = ListField(help_text="Comma-separated.")

    class Meta:
        model = Entry
        fields = ["authors", "categories", "tags"]  # the admin adds the rest of its fieldsets
        labels = {
            "arxiv_id": "arXiv ID",
            "arxiv_version": "arXiv version",
            "announce_type": "arXiv announcement",
        }  # not capitalised to "ArXiv"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = len(self.instance.authors or []) if self.instance.pk else 0
        self.fields["authors"].widget.attrs["rows"] = min(max(names, 2), 10)  # every name in view, up to ten


class EntryAdmin(admin.ModelAdmin):
    """The feeds app's part of the entry admin: the base that curator/admin.py composes and registers."""

    # Kind and arXiv id live in the filters and the search box: the list needs its width for titles.
    list_display = ["title", "source_name", "triage", "published"]
    list_filter = ["kind", "triage", "announce_type", "source", "published_at"]
    list_select_related = ["source"]
    search_fields = ["title", "authors", "abstract", "arxiv_id", "doi"]
    date_hierarchy = "published_at"
    form = EntryForm
    readonly_fields = ["guid", "canonical_url", "fingerprint", "created_at", "updated_at", "content_preview"]
    # Machine-ingested HTML is never edited by hand: a form field for it would let an Editor store markup
    # that a Publisher's browser then renders. It is shown only through content_preview, cleaned again.
    exclude = ["content_html"]
    fieldsets = [
        (None, {"fields": ["title", "url", ("source", "kind"), ("published_at", "triage"), "authors", "abstract"]}),
        (
            "Paper and labels",
            {"fields": [("arxiv_id", "arxiv_version", "announce_type"), "doi", "pdf_url", "categories", "tags"]},
        ),
        ("Content", {"fields": ["content_preview", "full_text"], "classes": ["collapse"]}),
        (
            "Technical",
            {
                "fields": ["guid", "canonical_url", "fingerprint", "created_at", "updated_at"],
                "classes": ["collapse", "technical"],
            },
        ),
    ]
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Entry | None:
        """None (the admin's "no such entry" redirect) for an id that is not strictly ASCII digits.

        Django's own lookup reads `+3`, ` 3` or `3_0` as entry 3 or 30, while the parts composed into
        the entry page (drafts, covered picks, featured warnings) parse the id strictly: one reading
        of the URL for the whole page.
        """
        if from_field is None and parse_id(object_id) is None:
            return None
        return super().get_object(request, object_id, from_field)

    @admin.display(description="source", ordering="source__name")
    def source_name(self, obj: Entry) -> str:
        # safe: format_html escapes the source's name; the span lets the list clamp it to two lines.
        return format_html('<span class="clamp">{}</span>', obj.source.name)

    @admin.display(description="published", ordering="published_at")
    def published(self, obj: Entry) -> str:
        return timezone.localtime(obj.published_at).strftime("%Y-%m-%d") if obj.published_at else "—"

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
