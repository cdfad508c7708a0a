"""Entries, picks and issues turned into search documents, one at a time or all at once.

The index is a copy: receivers.py keeps it in step as rows are saved and deleted, `manage.py
index_search` rebuilds it. Whether a pick or issue is public is NOT copied: queries join the issue's
live status, so an issue that becomes sent (by whatever path) is searchable at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction
from django.db.models import F
from django.db.models.expressions import CombinedExpression
from django.utils import timezone

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from curator.search.models import Document, IndexState

BODY_CHARS = 6000  # an abstract or the start of a post: enough words to find it by, a bounded row
# Highlight markers used by the snippets (snippets.py); never allowed into indexed text, so they only
# ever come from ts_headline.
MARK_OPEN, MARK_CLOSE = "\u27e6", "\u27e7"
_UNWANTED = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f{MARK_OPEN}{MARK_CLOSE}]")
BATCH = 2000


def clean(text: str | None, limit: int = BODY_CHARS) -> str:
    """Plain text safe for every database and for the snippet markers."""
    return _UNWANTED.sub(" ", text or "")[:limit].strip()


def _entry_doc(entry: Entry) -> Document:
    return Document(
        kind=Document.Kind.ENTRY,
        object_id=entry.pk,
        entry_id=entry.pk,
        title=clean(entry.title, 1000),
        body=clean(entry.abstract or entry.full_text),
    )


def _pick_doc(pick: Pick) -> Document:
    entry = pick.entry if pick.entry_id else None
    return Document(
        kind=Document.Kind.PICK,
        object_id=pick.pk,
        issue_id=pick.issue_id,
        entry_id=pick.entry_id,
        title=clean(pick.title, 1000),
        blurb=clean(pick.blurb),
        body=clean((entry.abstract or entry.full_text) if entry else ""),
    )


def _issue_doc(issue: Issue) -> Document:
    return Document(
        kind=Document.Kind.ISSUE,
        object_id=issue.pk,
        issue_id=issue.pk,
        title=clean(issue.display_name, 1000),
        blurb=clean(issue.intro),
        body=clean(issue.sign_off),
    )


def _store(kind: str, docs: list[Document], wanted: set[int]) -> None:
    """Upsert `docs`, drop documents of `wanted` ids that no longer exist, refresh their vectors."""
    now = timezone.now()
    for doc in docs:
        doc.indexed_at = now
    with transaction.atomic():
        Document.objects.filter(kind=kind, object_id__in=wanted - {d.object_id for d in docs}).delete()
        if docs:
            Document.objects.bulk_create(
                docs,
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=["issue_id", "entry_id", "title", "blurb", "body", "indexed_at"],
            )
            if connection.vendor == "postgresql":
                Document.objects.filter(kind=kind, object_id__in=[d.object_id for d in docs]).update(
                    search_vector=vector_expression()
                )
        bump()


def vector_expression() -> CombinedExpression:
    config = settings.SEARCH_LANGUAGE
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("blurb", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


def bump() -> None:
    """Tell every process's in-memory matrix (semantic.py) that the index changed."""
    if not IndexState.objects.filter(pk=1).update(generation=F("generation") + 1):
        IndexState.objects.get_or_create(pk=1)


def index_entries(ids: Iterable[int]) -> None:
    wanted = set(ids)
    entries = Entry.objects.filter(pk__in=wanted).only("title", "abstract", "full_text")
    _store(Document.Kind.ENTRY, [_entry_doc(e) for e in entries], wanted)


def index_picks(ids: Iterable[int]) -> None:
    wanted = set(ids)
    picks = (
        Pick.objects.filter(pk__in=wanted)
        .select_related("entry")
        .only("issue_id", "entry_id", "title", "blurb", "entry__abstract", "entry__full_text")
    )
    _store(Document.Kind.PICK, [_pick_doc(p) for p in picks], wanted)


def index_issues(ids: Iterable[int]) -> None:
    wanted = set(ids)
    _store(Document.Kind.ISSUE, [_issue_doc(i) for i in Issue.objects.filter(pk__in=wanted)], wanted)


def remove(kind: str, ids: Iterable[int]) -> None:
    with transaction.atomic():
        Document.objects.filter(kind=kind, object_id__in=list(ids)).delete()
        bump()


INDEXERS = {
    Document.Kind.ENTRY: (Entry, index_entries),
    Document.Kind.PICK: (Pick, index_picks),
    Document.Kind.ISSUE: (Issue, index_issues),
}


def rebuild(changed_only: bool = False) -> dict[str, int]:
    """Index every entry, pick and issue (or only those missing or edited since), drop orphans.

    Returns how many documents of each kind were written. Entries know when they were edited
    (`updated_at`); picks and issues are few, so they are always rewritten.
    """
    written: dict[str, int] = {}
    for kind, (model, index) in INDEXERS.items():
        ids = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        if changed_only and model is Entry:
            seen = dict(Document.objects.filter(kind=kind).values_list("object_id", "indexed_at"))
            edited = dict(Entry.objects.values_list("pk", "updated_at"))
            ids = [pk for pk in ids if pk not in seen or edited[pk] > seen[pk]]
        for start in range(0, len(ids), BATCH):
            index(ids[start : start + BATCH])
        existing = set(model._default_manager.values_list("pk", flat=True))
        orphans = set(Document.objects.filter(kind=kind).values_list("object_id", flat=True)) - existing
        if orphans:
            remove(kind, orphans)
        written[kind] = len(ids)
    return written
