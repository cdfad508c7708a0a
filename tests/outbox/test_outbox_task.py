"""`.delay()` on any project task: recorded in the caller's transaction, handed to the real Redis on commit."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from curator.mailing.models import Subscriber
from curator.mailing.tasks import send_confirmation, send_issue_batches
from curator.outbox import NamedTask, handover
from curator.outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


def pending(email: str = "ada@example.org") -> Subscriber:
    return Subscriber.objects.create(email=email, status=Subscriber.Status.PENDING)


def test_it_records_a_delay_in_the_transaction_and_hands_it_over_on_commit(broker):
    with transaction.atomic():
        result = send_confirmation.delay(pending().pk)
        assert OutboxMessage.objects.get().handed_over_at is None
        assert broker.queued() == 0  # nothing leaves before commit
    message = OutboxMessage.objects.get()
    assert (message.task, message.args, result.id) == (send_confirmation.name, [message.args[0]], message.task_id)
    assert message.handed_over_at is not None and broker.queued() == 1


def test_it_publishes_nothing_when_the_transaction_rolls_back(broker):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_confirmation.delay(pending().pk)
        raise RuntimeError("the state change failed")
    assert not OutboxMessage.objects.exists() and broker.queued() == 0


def test_it_keeps_the_call_and_answers_fast_when_the_broker_is_down(broker):
    subscriber = pending()
    broker.down()
    started = time.monotonic()
    send_confirmation.delay(subscriber.pk)  # no transaction open: recorded and tried at once, like a worker's call
    assert time.monotonic() - started < 3
    message = OutboxMessage.objects.get()
    assert message.handed_over_at is None and message.last_error == "broker unreachable (OperationalError)"
    broker.up()
    assert broker.queued() == 0  # nothing reached the broker meanwhile
    assert handover.sweep().handed_over == 1 and broker.queued() == 1


def test_it_records_the_queue_given_to_apply_async(broker):
    send_confirmation.apply_async((pending().pk,), queue="default")
    assert OutboxMessage.objects.get().queue == "default"
    assert broker.redis.llen("default") == 1 and broker.redis.llen("mail") == 0


def test_it_refuses_a_call_that_does_not_fit_the_task_before_anything_is_saved(broker):
    with pytest.raises(TypeError), transaction.atomic():
        pending()
        send_confirmation.delay(1, 2)
    assert not Subscriber.objects.exists() and not OutboxMessage.objects.exists()


def test_it_publishes_a_countdown_straight_to_the_broker(broker):
    # An outbox row holds no countdown: a task that re-queues itself for later (send_issue_batches,
    # refit_model, Celery's retries) publishes as plain Celery does.
    send_issue_batches.apply_async((1,), countdown=60)
    assert not OutboxMessage.objects.exists()
    assert broker.queued() == 1


def test_a_named_task_queues_through_the_outbox_too(broker):
    with transaction.atomic():
        NamedTask("curator.mailing.tasks.send_confirmation").delay(pending().pk)
        assert broker.queued() == 0
    assert OutboxMessage.objects.get().task == send_confirmation.name
    assert broker.queued() == 1


def test_a_named_task_with_an_unknown_name_saves_nothing(broker):
    with pytest.raises(ValueError, match="no Celery task named"), transaction.atomic():
        pending()
        NamedTask("curator.mailing.tasks.nope").delay(1)
    assert not Subscriber.objects.exists() and not OutboxMessage.objects.exists()
