"""The outbox itself: rows commit with the change, reach the real Redis on commit, wait while it is down."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.db import transaction
from django.utils import timezone

from curator.mailing.models import Subscriber
from curator.mailing.tasks import send_confirmation
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from curator.outbox.tasks import sweep_outbox
from tests.support.ports import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def pending(email: str = "ada@example.org") -> Subscriber:
    return Subscriber.objects.create(email=email, status=Subscriber.Status.PENDING)


def test_it_hands_a_row_to_the_broker_when_the_transaction_commits(broker):
    with transaction.atomic():
        message = handover.enqueue(send_confirmation, pending().pk)
        assert broker.queued() == 0  # nothing leaves before commit
    message.refresh_from_db()
    assert message.handed_over_at is not None and message.attempts == 1
    assert broker.queued() == 1


def test_it_publishes_nothing_when_the_transaction_rolls_back(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        handover.enqueue(send_confirmation, pending().pk)
        raise RuntimeError("the state change failed")
    assert not OutboxMessage.objects.exists() and not Subscriber.objects.exists()
    assert broker.queued() == 0


def test_it_refuses_an_unknown_task_before_anything_is_saved(broker):
    with pytest.raises(ValueError, match=r"no Celery task named 'curator\.nope'"), transaction.atomic():
        pending()
        handover.enqueue("curator.nope", 1)
    assert not Subscriber.objects.exists() and not OutboxMessage.objects.exists()


def test_it_keeps_the_row_and_answers_fast_when_the_broker_is_down(broker):
    broker.down()
    started = time.monotonic()
    with handover.watch() as queued, transaction.atomic():
        message = handover.enqueue(send_confirmation, pending().pk)
    assert time.monotonic() - started < 3
    assert queued.waiting == [message]
    assert queued.note("Saved.") == "Saved. Queued; workers will pick it up when the queue is back."
    row = OutboxMessage.objects.get()
    assert row.handed_over_at is None and row.attempts == 1
    assert row.last_error == "broker unreachable (OperationalError)"


def test_it_sweeps_waiting_rows_once_the_broker_is_back_and_only_once(broker, mailoutbox):
    broker.down()
    subscriber = pending()
    handover.enqueue(send_confirmation, subscriber.pk)
    assert handover.sweep().waiting == 1  # still down: the row stays
    broker.up()
    assert sweep_outbox() == {"handed_over": 1, "waiting": 0, "purged": 0}
    assert sweep_outbox()["handed_over"] == 0
    assert broker.run_queued() == [OutboxMessage.objects.get().task_id]
    assert [m.to for m in mailoutbox] == [[subscriber.email]]


def test_it_sweeps_batch_after_batch_until_nothing_waits(broker, monkeypatch):
    monkeypatch.setattr("curator.outbox.tasks.SWEEP_BATCH", 2)
    broker.down()
    for n in range(5):
        handover.enqueue(send_confirmation, pending(f"r{n}@example.org").pk)
    broker.up()
    assert sweep_outbox() == {"handed_over": 5, "waiting": 0, "purged": 0}
    assert broker.queued() == 5


def test_it_stops_a_sweep_at_the_first_broker_failure(broker):
    broker.down()
    for n in range(3):
        handover.enqueue(send_confirmation, pending(f"r{n}@example.org").pk)
    result = handover.sweep()
    assert (result.handed_over, result.waiting) == (0, 3)
    assert sorted(OutboxMessage.objects.values_list("attempts", flat=True)) == [1, 1, 2]  # one try per sweep


def test_it_sends_a_confirmation_once_when_a_row_is_handed_over_twice(broker, mailoutbox):
    message = handover.enqueue(send_confirmation, pending().pk)
    handover.publish(message)  # as if the process died after publishing, before recording it
    assert broker.queued() == 2
    assert len(broker.run_queued()) == 2
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.get().done_at is not None


def test_it_lets_a_failed_confirmation_retry_under_the_same_task_id(broker, mailoutbox, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # the SMTP server is down
    message = handover.enqueue(send_confirmation, pending().pk)
    broker.purge()
    with pytest.raises(Retry):  # autoretry_for: the mail server could not be reached
        send_confirmation.apply((message.args[0],), task_id=message.task_id, throw=True)
    assert OutboxMessage.objects.get().done_at is None  # the failure rolled the mark back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_confirmation.apply((message.args[0],), task_id=message.task_id, throw=True)
    assert len(mailoutbox) == 1


def test_it_purges_rows_handed_over_longer_ago_than_kept(broker, settings):
    settings.OUTBOX_KEEP_DAYS = 7
    old = handover.enqueue(send_confirmation, pending().pk)
    recent = handover.enqueue(send_confirmation, pending("b@example.org").pk)
    OutboxMessage.objects.filter(pk=old.pk).update(handed_over_at=timezone.now() - timedelta(days=8))
    assert handover.sweep().purged == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]


def test_it_runs_the_task_in_process_in_eager_mode(mailoutbox, django_capture_on_commit_callbacks, db):
    with django_capture_on_commit_callbacks(execute=True):
        handover.enqueue(send_confirmation, pending().pk)
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.get().handed_over_at is not None
    assert handover.sweep().handed_over == 0  # already handed over: a sweep does not run it again
    assert len(mailoutbox) == 1
