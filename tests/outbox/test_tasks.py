"""The sweeper runs without anyone setting it up: scheduled by a migration, and at every worker start."""

from __future__ import annotations

import pytest
from django.db import connection
from django_celery_beat.models import PeriodicTask

from curator.celery import app
from curator.mailing.models import Subscriber
from curator.mailing.tasks import send_confirmation
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from curator.outbox.tasks import sweep_on_worker_start
from tests.support.ports import free_port


@pytest.mark.django_db
def test_it_schedules_the_sweep_every_minute():
    task = PeriodicTask.objects.get(name="outbox: hand over waiting tasks")
    assert task.enabled and task.task in app.tasks
    assert (task.interval.every, task.interval.period) == (1, "minutes")


def test_it_sweeps_at_worker_start_in_a_thread(transactional_db, broker):
    broker.down()
    handover.enqueue(send_confirmation, Subscriber.objects.create(email="ada@example.org").pk)
    broker.up()
    sweep_on_worker_start().join(timeout=30)
    assert OutboxMessage.objects.get().handed_over_at is not None and broker.queued() == 1


def test_it_lets_the_worker_start_when_the_database_is_down(transactional_db, caplog):
    port = free_port()
    old = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = port  # the sweep thread opens its own connection from these settings
    try:
        thread = sweep_on_worker_start()
        thread.join(timeout=30)
    finally:
        connection.settings_dict["PORT"] = old
    assert not thread.is_alive()
    assert "outbox: sweep at worker start failed" in caplog.text
