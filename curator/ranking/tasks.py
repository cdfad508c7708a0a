"""Thin Celery tasks over embed.py, stories.py and refit.py. They take ids and are safe to run twice.

They run on the `summarize` queue: the workers there already hold transformer models and their memory.
"""

from __future__ import annotations

from celery import Task, shared_task

from curator.outbox.handover import BROKER_ERRORS
from curator.ranking import embed, refit, scoring, stories


@shared_task(ignore_result=True, queue="summarize")
def embed_entries(entry_ids: list[int]) -> int:
    """Embed new entries, join them to their stories, and give them a score under the current model."""
    embedded = embed.embed_entries(entry_ids)
    stories.assign_stories(entry_ids)
    scoring.rescore()
    return len(embedded)


@shared_task(bind=True, ignore_result=True, queue="summarize")
def refit_model(self: Task) -> int | None:
    wait = 0.0 if self.request.is_eager else refit.seconds_until_due()
    if wait > 0:
        try:  # a burst of decisions shares one fit: come back when the quiet period is over
            self.apply_async(countdown=wait)
            return None
        except BROKER_ERRORS:
            pass  # cannot wait without the broker: fitting now beats leaving the request pending forever
    model = refit.run_requested_refit()
    return model.pk if model else None
