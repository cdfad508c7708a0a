"""The Celery tasks: fan-out of due sources, bounded retries on transient errors, and a real worker run."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from curator.celery import app as celery_app
from curator.feeds import tasks
from curator.feeds.models import Entry, IngestRun

pytestmark = pytest.mark.usefixtures("allow_loopback")


@pytest.mark.django_db
def test_it_queues_one_ingest_per_due_active_source(make_source, django_capture_on_commit_callbacks):
    due = [make_source("atom.xml"), make_source("rss091.xml")]
    make_source("rss20.xml", active=False)
    make_source("rss10.rdf", next_fetch_after=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        queued = tasks.ingest_all.apply().get()
    assert queued == 2
    assert set(IngestRun.objects.values_list("source_id", flat=True)) == {s.pk for s in due}
    assert Entry.objects.count() == 4


@pytest.mark.django_db
def test_it_skips_a_backing_off_source_unless_forced(make_source):
    source = make_source("atom.xml", next_fetch_after=timezone.now() + timedelta(hours=1))
    tasks.ingest_source.apply(args=[source.pk])
    assert not IngestRun.objects.exists()
    tasks.ingest_source.apply(args=[source.pk], kwargs={"force": True})
    assert Entry.objects.count() == 2


@pytest.mark.django_db
def test_it_ignores_a_deleted_source():
    assert tasks.ingest_source.apply(args=[987654]).get() is None


@pytest.mark.django_db
def test_it_retries_a_transient_failure_a_bounded_number_of_times(make_source, feed_server, monkeypatch):
    source = make_source("status/503?retry=0")
    # As deployed (a broker delivers retries later), but run in-process: without propagation, apply() runs the
    # retries itself (countdowns skipped) instead of raising Retry.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", False)
    outcome = tasks.ingest_source.apply(args=[source.pk])
    assert outcome.successful() and outcome.result["failed"] is True  # given up: the source backs off instead
    assert IngestRun.objects.filter(source=source).count() == tasks.MAX_RETRIES + 1
    assert IngestRun.objects.filter(trigger="retry").count() == tasks.MAX_RETRIES


@pytest.mark.django_db
def test_it_does_not_retry_inside_the_request_when_tasks_always_run_eagerly(
    make_source, django_capture_on_commit_callbacks
):
    source = make_source("status/503?retry=0")
    with django_capture_on_commit_callbacks(execute=True):  # the demo: CELERY_TASK_ALWAYS_EAGER, errors propagate
        tasks.ingest_source.delay(source.pk)  # runs in-process when the request's transaction commits
    assert IngestRun.objects.filter(source=source).count() == 1  # the source's backoff schedules the next try
    assert IngestRun.objects.get(source=source).failed == 1


@pytest.mark.django_db
def test_it_does_not_retry_a_permanent_failure(make_source):
    source = make_source("gone-for-good.xml")
    assert tasks.ingest_source.apply(args=[source.pk]).get()["failed"] is True
    assert IngestRun.objects.filter(source=source).count() == 1
