"""A real Celery worker embeds entries queued after ingest, and runs the one refit a burst of decisions queues."""

import pytest

from curator.feeds.models import Entry
from curator.feeds.signals import entries_created
from curator.ranking.models import Embedding, RefitRequest, Relevance, RelevanceModel
from curator.ranking.refit import request_refit
from tests.support.demo_topics import INTERPRETABILITY, ROBOTS
from tests.support.waiting import wait_until


@pytest.mark.worker
def test_it_embeds_new_entries_and_refits_in_a_real_worker(celery_worker_process, from_rows, settings):
    settings.RANKING_REFIT_DELAY = 1
    celery_worker_process(queues="summarize", extra_env={"SUMMARIZER_TORCH_THREADS": "1"}, name="rank")
    picks = from_rows(INTERPRETABILITY[:5], Entry.Triage.PICKED)
    rejections = from_rows(ROBOTS[:3], Entry.Triage.REJECTED)
    new = from_rows(INTERPRETABILITY[5:6] + ROBOTS[5:6])
    everything = [*picks, *rejections, *new]
    entries_created.send(sender=Entry, entry_ids=[e.pk for e in everything])  # as ingest does after its commit
    assert wait_until(lambda: Relevance.objects.count() == 2, timeout=240)
    assert Embedding.objects.count() == len(everything)

    assert request_refit() is True
    assert request_refit() is False  # the second decision joins the waiting refit
    assert wait_until(lambda: RelevanceModel.objects.filter(kind=RelevanceModel.Kind.LOGISTIC).exists(), timeout=120)
    assert RelevanceModel.objects.count() == 1 and not RefitRequest.objects.get().pending
    assert wait_until(lambda: Relevance.objects.filter(model__isnull=False).count() == 2, timeout=30)
    scores = dict(Relevance.objects.values_list("entry_id", "score"))
    assert scores[new[0].pk] > scores[new[1].pk]
