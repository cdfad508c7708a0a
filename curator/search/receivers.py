"""Keep the index in step with entries, picks and issues as they are saved and deleted.

A single save re-indexes its one row in the same transaction (a few small queries); a batch of new
entries from an ingest is handed to a worker through the outbox instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)


def on_entry_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from curator.editions.models import Pick
    from curator.search import documents

    if raw:
        return
    documents.index_entries([instance.pk])
    pick_ids = list(Pick.objects.filter(entry_id=instance.pk).values_list("pk", flat=True))
    if pick_ids:  # a pick's document carries its entry's abstract
        documents.index_picks(pick_ids)


def on_pick_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from curator.search import documents

    if not raw:
        documents.index_picks([instance.pk])


def on_picks_added(sender: Any, pick_ids: list[int], **kwargs: Any) -> None:
    from curator.search import documents

    documents.index_picks(pick_ids)


def on_issue_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from curator.search import documents

    if not raw:
        documents.index_issues([instance.pk])


def on_deleted(kind: str):
    def receiver(sender: Any, instance: Any, **kwargs: Any) -> None:
        from curator.search import documents

        documents.remove(kind, [instance.pk])

    return receiver


def on_entries_created(sender: Any, entry_ids: list[int], **kwargs: Any) -> None:
    from curator.search.tasks import index_entries

    try:
        with transaction.atomic():
            index_entries.delay(list(entry_ids))
    except Exception:  # never fail an ingest; `manage.py index_search --changed` catches up
        log.exception("search: could not queue indexing of %d new entries", len(entry_ids))


_deleted = {kind: on_deleted(kind) for kind in ("entry", "pick", "issue")}


def connect() -> None:
    from curator.editions.events import picks_added
    from curator.editions.models import Issue, Pick
    from curator.feeds.models import Entry
    from curator.feeds.signals import entries_created

    post_save.connect(on_entry_saved, sender=Entry, dispatch_uid="search.entry_saved")
    post_save.connect(on_pick_saved, sender=Pick, dispatch_uid="search.pick_saved")
    picks_added.connect(on_picks_added, dispatch_uid="search.picks_added")
    post_save.connect(on_issue_saved, sender=Issue, dispatch_uid="search.issue_saved")
    post_delete.connect(_deleted["entry"], sender=Entry, dispatch_uid="search.entry_deleted")
    post_delete.connect(_deleted["pick"], sender=Pick, dispatch_uid="search.pick_deleted")
    post_delete.connect(_deleted["issue"], sender=Issue, dispatch_uid="search.issue_deleted")
    entries_created.connect(on_entries_created, dispatch_uid="search.index_new_entries")
