"""Thin Celery tasks over summarizer.drafting, routed to the `summarize` queue by module path."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError

from summarizer import drafting
from summarizer.models import DecodingProfile, Draft

log = logging.getLogger(__name__)


# A lost database connection is the one transient failure worth retrying; a model that cannot
# load is not an error at all here (the fallback drafts instead).
@shared_task(
    bind=True, autoretry_for=(OperationalError,), max_retries=3, retry_backoff=5, retry_backoff_max=120, acks_late=True
)
def draft_blurb(self: Any, entry_id: int, profile_id: int | None = None, force: bool = False) -> dict[str, Any]:
    """Draft one entry. Without `force`, an entry that already has a draft from this profile is skipped."""
    task_id = self.request.id or ""
    if task_id and Draft.objects.filter(task_id=task_id).exists():
        return {"skipped": "already drafted by this task"}  # redelivered after a worker crash
    profile = DecodingProfile.chosen_or_default(profile_id)
    if not force and Draft.objects.filter(entry_id=entry_id, profile=profile).exists():
        return {"skipped": "already has a draft from this profile"}
    return drafting.draft_entries([entry_id], profile, task_id=task_id).as_dict()


@shared_task(bind=True, autoretry_for=(OperationalError,), max_retries=3, retry_backoff=5, acks_late=True)
def draft_pending(self: Any, profile_id: int | None = None) -> dict[str, Any]:
    """Draft every entry that has no draft yet, in length-sorted batches. Safe to run twice."""
    profile = DecodingProfile.chosen_or_default(profile_id)
    return drafting.draft_pending(profile, task_id=self.request.id or "").as_dict()
