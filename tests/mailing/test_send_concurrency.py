"""Two senders at once, and a sender that died holding a claim."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from curator.editions.models import Issue
from curator.mailing import control, deliveries, send
from curator.mailing.models import Delivery
from tests.factories import make_issue, make_subscribers


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_message_once_with_two_workers_at_once(smtp_server, settings):
    settings.MAILING_BATCH_SIZE = 3
    smtp_server.handler.delay = 0.01  # keep both workers busy at the same time
    issue = make_issue()
    readers = make_subscribers(30)
    control.open_send(issue)  # wakes nobody: the two threads below are the workers
    results: list = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            results.append(send.run_sending(issue.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    assert sum(r.sent for r in results) == 30
    assert all(r.sent > 0 for r in results), "both workers should have taken batches"
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT


@pytest.mark.django_db
def test_it_reclaims_rows_claimed_by_a_dead_worker(issue, smtp_server, settings):
    settings.MAILING_CLAIM_TIMEOUT = 60
    readers = make_subscribers(4)
    control.send_issue(issue)
    claimed = deliveries.claim(issue.pk, 2)  # a worker claims two rows, then dies without sending
    assert len(claimed) == 2

    send.run_sending(issue.pk)
    assert Delivery.objects.filter(pk__in=claimed, status="sending").count() == 2  # still within the timeout
    assert len(smtp_server.handler.received) == 2

    assert deliveries.stalled_issue_ids() == []  # the live worker claimed a moment ago
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert deliveries.stalled_issue_ids() == [issue.pk]
        send.run_sending(issue.pk)
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    assert deliveries.stalled_issue_ids() == []
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT
