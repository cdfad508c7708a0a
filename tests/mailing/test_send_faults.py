"""The SMTP server refuses, throttles and hangs up; nobody is lost and nobody gets two copies."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from curator.editions.models import Issue
from curator.mailing import control, send
from curator.mailing.models import Delivery, Subscriber
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db


def statuses(issue):
    return dict(Delivery.objects.filter(issue=issue).values_list("subscriber__email", "status"))


def test_it_fails_permanently_refused_recipients_and_sends_the_rest(issue, smtp_server):
    readers = make_subscribers(6)
    refused = {readers[1].email, readers[4].email}
    smtp_server.handler.refuse |= refused
    control.send_issue(issue)
    send.run_sending(issue.pk)

    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers if r.email not in refused}
    rows = statuses(issue)
    assert {email for email, status in rows.items() if status == "failed"} == refused
    failed = Delivery.objects.get(subscriber=readers[1])
    assert "550" in failed.error and failed.attempts == 1
    assert Subscriber.objects.get(pk=readers[1].pk).hard_bounces == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT  # failed rows are final


def test_it_marks_a_subscriber_bounced_after_repeated_hard_failures(issue, smtp_server, settings):
    settings.MAILING_BOUNCE_LIMIT = 2
    (reader,) = make_subscribers(1)
    Subscriber.objects.filter(pk=reader.pk).update(hard_bounces=1)
    smtp_server.handler.refuse.add(reader.email)
    control.send_issue(issue)
    send.run_sending(issue.pk)
    reader.refresh_from_db()
    assert reader.status == Subscriber.Status.BOUNCED and reader.hard_bounces == 2


def test_it_retries_throttled_recipients_with_backoff_until_accepted(issue, smtp_server, settings):
    settings.MAILING_RETRY_BACKOFF = 60
    readers = make_subscribers(5)
    throttled = readers[2].email
    smtp_server.handler.throttle[throttled] = 2  # 451 twice, then accepted
    control.send_issue(issue)

    first = send.run_sending(issue.pk)
    assert not first.finished
    row = Delivery.objects.get(subscriber=readers[2])
    assert row.status == "queued" and "451" in row.error
    assert first.retry_at == row.next_attempt_at
    assert dt.timedelta(seconds=59) < row.next_attempt_at - timezone.now() <= dt.timedelta(seconds=60)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENDING  # not every row is final yet

    assert send.run_sending(issue.pk).sent == 0  # not due yet: nothing happens
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        second = send.run_sending(issue.pk)
        row.refresh_from_db()
        # second attempt throttled again: the wait doubles
        assert row.status == "queued" and row.attempts == 2
        assert row.next_attempt_at - timezone.now() > dt.timedelta(seconds=119)
    assert not second.finished
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61 + 121)):
        third = send.run_sending(issue.pk)
    assert third.finished
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    row.refresh_from_db()
    assert row.status == "sent" and row.attempts == 3
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_it_gives_up_after_the_maximum_number_of_attempts(issue, smtp_server, settings):
    settings.MAILING_RETRY_BACKOFF = 0
    settings.MAILING_MAX_ATTEMPTS = 3
    (reader,) = make_subscribers(1)
    smtp_server.handler.throttle[reader.email] = 10
    control.send_issue(issue)
    for _ in range(3):
        send.run_sending(issue.pk)
    row = Delivery.objects.get(subscriber=reader)
    assert row.status == "failed" and row.attempts == 3 and "gave up after 3 attempts" in row.error
    reader.refresh_from_db()
    assert reader.hard_bounces == 0  # being throttled says nothing bad about the address
    issue.refresh_from_db()
    assert issue.status == Issue.Status.SENT


def test_it_reconnects_after_a_dropped_connection_and_continues_the_batch(issue, smtp_server, settings):
    settings.MAILING_RETRY_BACKOFF = 0
    readers = make_subscribers(6)
    smtp_server.handler.drop[readers[2].email] = 1  # 421 at DATA: the server hangs up
    control.send_issue(issue)
    first = send.run_sending(issue.pk, max_batches=1)
    assert first.sent == 5
    assert Delivery.objects.get(subscriber=readers[2]).status == "queued"
    send.run_sending(issue.pk)
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    assert smtp_server.handler.connections >= 3  # first, the reconnect, the retry pass


def test_it_loses_nobody_when_the_server_is_down(issue, settings):
    from tests.support.ports import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    make_subscribers(3)
    control.send_issue(issue)
    outcome = send.run_sending(issue.pk)
    assert not outcome.finished and outcome.sent == 0 and outcome.retry_at is not None
    rows = Delivery.objects.filter(issue=issue)
    assert {r.status for r in rows} == {"queued"}
    assert all("Connection refused" in r.error or "ConnectionRefused" in r.error for r in rows)
