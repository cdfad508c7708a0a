"""Delivery claims are leases: renewed while a batch sends, reclaimed once they lapse."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from curator.mailing import control, deliveries, send
from curator.mailing.models import Delivery
from tests.factories import make_issue, make_subscribers


@pytest.mark.django_db(transaction=True)
def test_it_renews_the_lease_while_a_slow_batch_sends(smtp_server, settings):
    settings.MAILING_CLAIM_TIMEOUT = 3  # renewed every second; the batch takes about four
    smtp_server.handler.delay = 0.5
    issue = make_issue()
    readers = make_subscribers(8)
    control.open_send(issue)
    results: list[send.BatchResult] = []

    def sender() -> None:
        try:
            results.append(send.send_batch(issue.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=sender)
    thread.start()
    reclaimed = []
    while thread.is_alive():  # another worker starting a batch, over and over
        reclaimed.append(deliveries.reclaim_stale(issue.pk))
        thread.join(timeout=0.3)
    assert len(reclaimed) > 10 and set(reclaimed) == {0}, "a live batch lost rows to another worker"
    assert results[0].sent == 8
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    # Rows sent late in the batch carry a renewal later than the claim they all started with.
    claims = sorted(Delivery.objects.filter(issue=issue).values_list("claimed_at", flat=True))
    assert claims[-1] - claims[0] >= dt.timedelta(seconds=0.9)


@pytest.mark.django_db
def test_it_reclaims_rows_only_once_their_lease_lapses(issue, settings):
    settings.MAILING_CLAIM_TIMEOUT = 30
    make_subscribers(3)
    control.open_send(issue)
    claimed = deliveries.claim(issue.pk, 2)  # then the worker dies: no heartbeat renews these
    now = timezone.now()
    with time_machine.travel(now + dt.timedelta(seconds=29), tick=False):
        assert deliveries.reclaim_stale(issue.pk) == 0
    with time_machine.travel(now + dt.timedelta(seconds=31), tick=False):
        assert deliveries.reclaim_stale(issue.pk) == 2
    assert set(Delivery.objects.filter(pk__in=claimed).values_list("status", flat=True)) == {"queued"}


@pytest.mark.django_db
def test_it_comes_back_for_rows_a_dead_worker_still_holds(issue, smtp_server, settings):
    settings.MAILING_CLAIM_TIMEOUT = 30
    readers = make_subscribers(4)
    control.open_send(issue)
    deliveries.claim(issue.pk, 1)  # a worker that has just died; its lease has not lapsed yet
    outcome = send.run_sending(issue.pk)
    assert outcome.sent == 3 and not outcome.finished
    held = Delivery.objects.get(issue=issue, status="sending")
    assert outcome.retry_at == held.claimed_at + dt.timedelta(seconds=30)
    with time_machine.travel(outcome.retry_at + dt.timedelta(seconds=1)):
        assert send.run_sending(issue.pk).finished
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
