"""Thin Celery tasks over curator.feeds.ingest. They take ids and are safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from curator.feeds import ingest
from curator.feeds.models import Source

log = logging.getLogger(__name__)

MAX_RETRIES = 3
RETRY_BASE_SECONDS = 60


class TransientIngestError(Exception):
    """The source failed for a reason that may pass (timeout, 5xx, 429): worth another try soon."""


@shared_task(ignore_result=True)
def ingest_all() -> int:
    """Queue one ingest per due active source; returns how many were queued."""
    source_ids = list(ingest.due_sources().values_list("pk", flat=True))
    with transaction.atomic():  # all or none recorded; each handed over on commit, or by the sweeper later
        for source_id in source_ids:
            ingest_source.delay(source_id)
    log.info("queued ingest of %d sources", len(source_ids))
    return len(source_ids)


@shared_task(bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def ingest_source(self, source_id: int, force: bool = False, trigger: str = "schedule") -> dict | None:
    """Fetch one source. Without `force`, a source still backing off (or gone, or inactive) is skipped."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return None
    retrying = self.request.retries > 0
    if not (force or retrying) and not ingest.due_sources().filter(pk=source_id).exists():
        return None
    result = ingest.ingest_source(source, trigger="retry" if retrying else trigger)
    # Eager (the demo, no broker): a retry would run at once inside the web request, ignoring its countdown
    # and Retry-After, and Celery's Retry would escape as a 500. The source's own backoff takes over instead.
    can_retry = self.request.retries < MAX_RETRIES and not self.app.conf.task_always_eager
    if result.failed and result.transient and can_retry:
        countdown = max(RETRY_BASE_SECONDS * 2**self.request.retries, result.retry_after or 0)
        raise self.retry(exc=TransientIngestError(result.error), countdown=countdown)
    return {"new": result.new, "updated": result.updated, "unchanged": result.unchanged, "failed": result.failed}
