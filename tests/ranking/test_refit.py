import datetime

import pytest
from django.utils import timezone

from curator.feeds.models import Entry
from curator.outbox.models import OutboxMessage
from curator.ranking import embed
from curator.ranking.models import RefitRequest, Relevance, RelevanceModel
from curator.ranking.refit import request_refit, run_requested_refit, seconds_until_due
from curator.ranking.tasks import refit_model
from tests.support.demo_topics import INTERPRETABILITY, ROBOTS

pytestmark = pytest.mark.django_db


def test_it_queues_a_delayed_refit_only_when_none_is_waiting(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert request_refit() is True
        assert request_refit() is False
    assert len(callbacks) == 1
    assert list(OutboxMessage.objects.values_list("task", flat=True)) == [refit_model.name]


def test_it_waits_out_the_quiet_period_before_fitting(settings):
    settings.RANKING_REFIT_DELAY = 60
    assert seconds_until_due() == 0  # nothing asked for
    request_refit()
    assert 59 < seconds_until_due() <= 60
    RefitRequest.objects.update(requested_at=timezone.now() - datetime.timedelta(seconds=61))
    assert seconds_until_due() == 0


def test_it_does_nothing_when_no_refit_was_asked_for():
    assert run_requested_refit() is None
    assert refit_model.apply().get() is None
    assert not RelevanceModel.objects.exists()


def test_it_refits_and_rescores_when_the_queued_task_runs(from_rows, django_capture_on_commit_callbacks):
    from_rows(INTERPRETABILITY[:5], Entry.Triage.PICKED)
    from_rows(ROBOTS[:3], Entry.Triage.REJECTED)
    new = from_rows(INTERPRETABILITY[5:6])
    embed.embed_entries()
    with django_capture_on_commit_callbacks(execute=True):
        request_refit()  # eager Celery: the task runs as the transaction commits
    assert RelevanceModel.objects.get().kind == RelevanceModel.Kind.LOGISTIC
    assert Relevance.objects.get().entry == new[0]
    assert not RefitRequest.objects.get().pending
