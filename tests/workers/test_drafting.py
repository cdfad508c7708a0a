"""A real Celery worker on the `summarize` queue drafts entries queued after ingest."""

import pytest

from curator.feeds.signals import entries_created
from summarizer import tasks
from summarizer.models import DecodingProfile, Draft
from tests.support.waiting import wait_until


@pytest.mark.worker
def test_it_drafts_queued_entries_in_a_real_worker(celery_worker_process, model_dirs, text_entries, presets):
    model_dir = model_dirs["seq2seq"]
    celery_worker_process(
        queues="summarize", extra_env={"SUMMARIZER_MODEL": str(model_dir), "SUMMARIZER_TORCH_THREADS": "1"}, name="summ"
    )
    new = [text_entries("paper"), text_entries("post")]
    entries_created.send(sender=None, entry_ids=[e.pk for e in new])  # as ingest does after its commit
    greedy = DecodingProfile.objects.get(name="Greedy")
    again = text_entries("post")
    tasks.draft_blurb.delay(again.pk, greedy.pk)

    expected = {e.pk for e in [*new, again]}
    # Random weights invent words, so each entry may also get an extract shown first (model drafts demoted).
    model_drafts = Draft.objects.filter(engine=Draft.Engine.MODEL)
    assert wait_until(lambda: set(model_drafts.values_list("entry_id", flat=True)) == expected, timeout=90)
    drafts = list(model_drafts)
    assert {d.model_id for d in drafts} == {str(model_dir)}
    assert model_drafts.get(entry=again).profile == greedy
    default = DecodingProfile.objects.get(is_default=True)
    assert {d.entry_id for d in drafts if d.profile_id == default.pk} == {e.pk for e in new}
