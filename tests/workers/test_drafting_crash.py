"""A draft held by a SIGKILLed worker (waiting for its retry countdown) is drafted by another worker, once."""

import time

import pytest

from summarizer import tasks
from summarizer.models import Draft
from tests.support.waiting import wait_until


@pytest.mark.worker
def test_it_drafts_the_entry_of_a_killed_worker_within_a_minute_once(celery_worker_process, text_entries, presets):
    entry = text_entries("paper")
    doomed = celery_worker_process(queues="summarize", name="doomed")
    result = tasks.draft_blurb.apply_async((entry.pk,), countdown=5)  # as a retry with backoff is queued
    assert wait_until(lambda: f"{result.id}] received" in doomed.log_path.read_text(), timeout=60)
    doomed.kill()
    doomed.wait(timeout=30)
    killed_at = time.monotonic()
    assert not Draft.objects.exists()

    heir = celery_worker_process(queues="summarize", name="heir")
    # Handed to the new worker within a minute; the draft itself may take a while on a loaded machine.
    assert wait_until(lambda: f"{result.id}] received" in heir.log_path.read_text(), timeout=60)
    assert time.monotonic() - killed_at < 60
    assert wait_until(lambda: Draft.objects.filter(entry=entry).exists(), timeout=120), heir.log_path.read_text()
    time.sleep(5)  # room for a second run, were the message handed out again
    assert Draft.objects.filter(entry=entry).count() == 1
    assert heir.log_path.read_text().count(f"{result.id}] succeeded") == 1
