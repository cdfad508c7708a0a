"""Thin Celery task: index a batch of new entries (queued through the outbox by receivers.py)."""

from __future__ import annotations

from celery import shared_task

from curator.search import documents


@shared_task(ignore_result=True)
def index_entries(entry_ids: list[int]) -> int:
    documents.index_entries(entry_ids)
    return len(entry_ids)
