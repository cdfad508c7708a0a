"""The search index: one plain-text document per entry, pick and issue, with its full-text vector."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone


class Document(models.Model):
    """What search reads instead of the live tables, so a query touches one indexed table.

    `search_vector` is filled on PostgreSQL only (title weight A, blurb B, abstract and intro C);
    the SQLite demo leaves it empty and matches words in `title` and `body`.
    """

    class Kind(models.TextChoices):
        PICK = "pick", "pick"
        ENTRY = "entry", "entry"
        ISSUE = "issue", "issue"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    issue_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    entry_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    title = models.TextField()
    blurb = models.TextField(blank=True)
    body = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True, blank=True)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_unique_object")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class IndexState(models.Model):
    """One row: a counter bumped by every index change, the cheap freshness check of in-memory matrices."""

    generation = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="search_index_state_single_row")]

    def __str__(self) -> str:
        return f"search index generation {self.generation}"


class Topic(models.Model):
    """A subject the team writes about; tags picks and entries, and has a public page and feed."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text="The last part of its public address (/topics/...).")
    picks = models.ManyToManyField("editions.Pick", related_name="topics", blank=True)
    entries = models.ManyToManyField("feeds.Entry", related_name="topics", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
