"""The dashboard, in a browser, says when no worker runs and when a send has stalled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from curator.celery import app as celery_app
from curator.mailing import control, deliveries, stalls
from curator.mailing.models import Delivery
from curator.outbox import heartbeats
from tests.factories import make_issue, make_subscribers
from tests.support.browser import log_in, shot

pytestmark = pytest.mark.e2e


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("otto", "otto@example.org", "otto-password")


@pytest.fixture
def with_a_broker():
    """Tasks go to workers (as in production), not run in-process as the demo does."""
    celery_app.conf.task_always_eager = False  # restored by the autouse _eager_celery fixture


def test_it_says_no_worker_runs_and_names_the_unconsumed_queues(superuser, with_a_broker, live_server, page):
    log_in(page, live_server.url, "otto", "otto-password")
    warning = page.locator("#worker-warning")
    assert "No worker is running: nothing queued will happen" in warning.inner_text()
    assert "default, ingest, summarize, mail" in warning.inner_text()
    shot(page, "dashboard-no-worker")

    heartbeats.beat("mailer@host", ["mail", "default"])
    page.reload()
    text = page.locator("#worker-warning").inner_text()
    assert "No worker consumes the queues ingest, summarize: nothing queued there will happen" in text

    heartbeats.beat("rest@host", ["ingest", "summarize"])
    page.reload()
    assert page.locator("#worker-warning").count() == 0


def test_it_shows_a_stalled_send_with_a_time_that_does_not_move(superuser, live_server, page, settings):
    settings.TIME_ZONE = "UTC"
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name=stalls.RESUME_NAME, defaults={"task": stalls.RESUME_TASK, "interval": every, "enabled": True}
    )
    issue = make_issue()
    make_subscribers(3)
    control.open_send(issue)
    deliveries.claim(issue.pk, 2)
    last_claim = timezone.now() - dt.timedelta(seconds=40)  # its worker died 40 s ago
    Delivery.objects.filter(issue=issue).update(claimed_at=last_claim, created_at=last_claim)
    resumes_by = last_claim + dt.timedelta(seconds=30 + 60)  # lapsed claim, then the sweep

    log_in(page, live_server.url, "otto", "otto-password")
    note = page.locator(".stalled-send")
    assert note.count() == 1
    first = note.inner_text()
    assert issue.title in first and "Stalled: no worker has renewed a claim on this send since" in first
    assert f"{resumes_by:%H:%M:%S}" in first
    shot(page, "dashboard-stalled-send")
    page.wait_for_timeout(1500)
    page.reload()
    assert page.locator(".stalled-send").inner_text() == first  # the time it resumes by stays put
    page.locator(".stalled-send a").click()
    page.wait_for_url(f"**/admin/editions/issue/{issue.pk}/change/")
