"""Whether a *Fetch now* is still on its way, for the source list's status column.

With workers the action answers at once; until the worker has fetched, the list says "fetching…"
instead of the previous run's status, so the editor can tell queued work from finished work.
The queued call is the outbox row itself (forced, so a worker never skips it): no extra state to keep.
"""

from __future__ import annotations

import datetime

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Cast
from django.utils import timezone

from curator.feeds.models import Source
from curator.outbox.models import OutboxMessage

INGEST_TASK = "curator.feeds.tasks.ingest_source"
# A request older than this is not shown as in progress any more: the worker lost it or is long gone.
GIVE_UP_AFTER = datetime.timedelta(hours=1)


def last_fetch_now() -> Subquery:
    """When *Fetch now* last asked for this source (an annotation over sources), within GIVE_UP_AFTER."""
    asked = (
        OutboxMessage.objects.filter(
            task=INGEST_TASK, kwargs__force=True, created_at__gte=timezone.now() - GIVE_UP_AFTER
        )
        .annotate(source_id=Cast(KeyTransform(0, "args"), IntegerField()))
        .filter(source_id=OuterRef("pk"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return Subquery(asked)


def is_waiting(source: Source) -> bool:
    """Asked for after its last fetch finished: queued or being fetched right now."""
    asked = getattr(source, "fetch_asked_at", None)
    return asked is not None and (source.last_fetched_at is None or source.last_fetched_at < asked)
