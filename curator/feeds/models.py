"""Sources, the entries they bring and the runs that brought them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# What the fetcher records on a Source after each attempt: written by ingest, shown read-only in admin.
FETCH_VALIDATORS = ["etag", "last_modified"]  # the conditional-GET pair, written only when it changes
FETCH_STATE_FIELDS = [
    *FETCH_VALIDATORS,
    "last_fetched_at",
    "last_status",
    "last_http_status",
    "consecutive_failures",
    "last_error",
    "next_fetch_after",
]


class Source(models.Model):
    class Kind(models.TextChoices):
        RSS = "rss", "RSS"
        ATOM = "atom", "Atom"
        ARXIV = "arxiv", "arXiv (API query or listing feed)"

    class Status(models.TextChoices):
        NEVER = "never", "never fetched"
        OK = "ok", "ok"
        NOT_MODIFIED = "not_modified", "not modified"
        ERROR = "error", "error"

    name = models.CharField(max_length=200)
    url = models.URLField(
        max_length=2000, help_text="Feed URL, a page that links to its feed, or an arXiv listing feed."
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RSS)
    arxiv_query = models.CharField(
        "arXiv search",
        max_length=500,
        blank=True,
        help_text='arXiv API search, e.g. cat:cs.LG AND abs:"diffusion". Leave empty to read the URL as a feed.',
    )
    active = models.BooleanField(default=True)
    section_hint = models.CharField(max_length=100, blank=True, help_text="Section its entries usually go to.")
    tags = models.JSONField(default=list, blank=True, help_text="Comma-separated, e.g. robotics, agents.")
    fetch_full_text = models.BooleanField(
        default=True, help_text="Fetch the article page when the feed has only a teaser."
    )
    # Fetch state
    etag = models.CharField("ETag", max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEVER)
    last_http_status = models.PositiveSmallIntegerField("last HTTP status", null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_fetch_after = models.DateTimeField(null=True, blank=True, help_text="Backoff: not fetched before this time.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", "paper"
        POST = "post", "post"

    class Triage(models.TextChoices):
        NEW = "new", "new"
        SHORTLISTED = "shortlisted", "shortlisted"
        REJECTED = "rejected", "rejected"
        PICKED = "picked", "picked"

    class AnnounceType(models.TextChoices):
        NEW = "new", "new paper"
        CROSS = "cross", "cross-listed"
        REPLACE = "replace", "new version"
        REPLACE_CROSS = "replace-cross", "new version, cross-listed"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField("ID in the feed", max_length=1000)
    url = models.URLField("link", max_length=2000, blank=True)
    canonical_url = models.CharField("canonical link", max_length=2000, blank=True, db_index=True)
    title = models.CharField(max_length=1000)
    authors = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST)
    arxiv_id = models.CharField("arXiv ID", max_length=50, blank=True, db_index=True)
    arxiv_version = models.PositiveSmallIntegerField(
        "arXiv version", default=0, help_text="Latest arXiv version seen (0: unknown)."
    )
    announce_type = models.CharField(
        "arXiv announcement",
        max_length=20,
        blank=True,
        db_index=True,
        choices=AnnounceType.choices,
        help_text="How the arXiv listing announced the paper: a replaced paper is a new version, not news.",
    )
    doi = models.CharField("DOI", max_length=200, blank=True, db_index=True)
    pdf_url = models.URLField("PDF link", max_length=2000, blank=True)
    categories = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    abstract = models.TextField(blank=True, help_text="Summary or abstract as plain text.")
    full_text = models.TextField(blank=True)
    content_html = models.TextField(blank=True, help_text="Sanitized HTML.")
    triage = models.CharField(max_length=20, choices=Triage.choices, default=Triage.NEW, db_index=True)
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name_plural = "entries"
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="entry_unique_source_guid")]

    def __str__(self) -> str:
        return self.title


class Sighting(models.Model):
    """Every (source, guid) seen, pointing at the entry it collapsed onto.

    An item that two sources carry is stored once; the sighting from the second source keeps
    re-ingests of that source idempotent without a second Entry row.
    """

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="sightings")
    guid = models.CharField(max_length=1000)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sightings")
    first_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "guid"], name="sighting_unique_source_guid")]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.guid} -> {self.entry_id}"


class IngestRun(models.Model):
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    trigger = models.CharField(max_length=20, default="schedule")
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    not_modified = models.BooleanField(default=False)
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.source or 'all sources'} @ {self.started_at:%Y-%m-%d %H:%M}"
