"""Fetch now, Run selected periodic tasks and the ingest schedule with the broker unreachable: no 500,
a true message, and each source fetched exactly once after the broker is back."""

from __future__ import annotations

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from curator.feeds.models import IngestRun
from curator.feeds.tasks import ingest_all
from curator.outbox import handover
from curator.outbox.models import OutboxMessage

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_loopback")]

LATER = handover.QUEUED_LATER  # the admin message for work queued while the broker is down


def test_it_fetches_now_once_the_broker_is_back(admin_client, make_source, broker):
    source = make_source("rss091.xml", fetch_full_text=False)
    broker.down()
    response = admin_client.post(
        "/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [source.pk]}, follow=True
    )
    assert response.status_code == 200
    assert f"Queued 1 source for fetching. {LATER}" in response.content.decode()
    assert not IngestRun.objects.exists()
    broker.recover()
    assert list(IngestRun.objects.values_list("source", "trigger")) == [(source.pk, "admin")]


def test_it_says_plainly_queued_when_the_broker_took_the_fetch(admin_client, make_source, broker):
    source = make_source("rss091.xml", fetch_full_text=False)
    response = admin_client.post(
        "/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [source.pk]}, follow=True
    )
    body = response.content.decode()
    assert "Queued 1 source for fetching." in body and LATER not in body
    assert broker.queued() == 1


def test_it_runs_a_selected_periodic_task_once_the_broker_is_back(admin_client, make_source, broker):
    source = make_source("rss091.xml", fetch_full_text=False)
    weekly = PeriodicTask.objects.create(
        name="feeds: weekly ingest",
        task="curator.feeds.tasks.ingest_all",
        interval=IntervalSchedule.objects.create(every=7, period="days"),
        queue="ingest",
    )
    broker.down()
    response = admin_client.post(
        "/admin/django_celery_beat/periodictask/", {"action": "run_tasks", "_selected_action": [weekly.pk]}, follow=True
    )
    assert response.status_code == 200
    assert f"1 task queued. {LATER}" in response.content.decode()
    assert OutboxMessage.objects.get().queue == "ingest"
    broker.recover()
    assert list(IngestRun.objects.values_list("source", "trigger")) == [(source.pk, "schedule")]


def test_it_refuses_to_run_a_periodic_task_whose_task_does_not_exist(admin_client, broker):
    ghost = PeriodicTask.objects.create(
        name="ghost", task="curator.gone", interval=IntervalSchedule.objects.create(every=1, period="days")
    )
    response = admin_client.post(
        "/admin/django_celery_beat/periodictask/", {"action": "run_tasks", "_selected_action": [ghost.pk]}, follow=True
    )
    assert "Nothing was run: no Celery task named &#x27;curator.gone&#x27;" in response.content.decode()
    assert not OutboxMessage.objects.exists() and broker.queued() == 0


def test_it_keeps_the_scheduled_fan_out_while_the_broker_is_down(make_source, broker):
    sources = [make_source("rss091.xml", name=f"feed {n}", fetch_full_text=False) for n in range(2)]
    broker.down()
    assert ingest_all() == 2  # the scheduled run, inside a worker that just lost the broker: no exception
    assert OutboxMessage.objects.filter(handed_over_at__isnull=True).count() == 2
    broker.recover()
    assert sorted(IngestRun.objects.values_list("source", flat=True)) == sorted(s.pk for s in sources)
