"""The issue page says when a send has stalled (no live lease on due work) and by when it resumes."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from curator.mailing import control, deliveries, stalls
from curator.mailing.models import Delivery
from tests.factories import make_subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep() -> PeriodicTask:
    """The beat entry the migrations create (made again after another test's flush emptied the table)."""
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period=IntervalSchedule.SECONDS)
    task, _ = PeriodicTask.objects.update_or_create(
        name=stalls.RESUME_NAME, defaults={"task": stalls.RESUME_TASK, "interval": every, "enabled": True}
    )
    return task


@pytest.fixture
def sending(issue, settings):
    settings.MAILING_CLAIM_TIMEOUT = 30
    make_subscribers(4)
    control.open_send(issue)
    return issue


def test_it_is_not_stalled_while_a_lease_is_live(sending, sweep):
    deliveries.claim(sending.pk, 2)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=20)):
        assert control.progress(sending)["stalled"] is None
        assert deliveries.stalled_issue_ids() == []


def test_it_gives_a_fresh_send_a_lease_of_time_to_start(sending, sweep):
    assert control.progress(sending)["stalled"] is None
    assert deliveries.stalled_issue_ids() == []
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        assert control.progress(sending)["stalled"] is not None
        assert deliveries.stalled_issue_ids() == [sending.pk]


def test_it_says_since_when_a_send_stalled_and_by_when_it_resumes(sending, sweep, settings):
    settings.TIME_ZONE = "UTC"
    deliveries.claim(sending.pk, 2)
    last_claim = Delivery.objects.filter(issue=sending, status="sending").first().claimed_at
    now = last_claim + dt.timedelta(seconds=40)
    with time_machine.travel(now, tick=False):
        stalled = control.progress(sending)["stalled"]
    assert stalled["since"] == last_claim.isoformat()
    resumes_by = last_claim + dt.timedelta(seconds=30 + 15)  # the claim lapses, then the sweep comes
    assert stalled["resumes_by"] == resumes_by.isoformat()
    assert stalled["text"] == (
        f"Stalled: no worker has renewed a claim on this send since {last_claim:%H:%M:%S} UTC; "
        f"it will resume by {resumes_by:%H:%M:%S} UTC (the resume sweep re-queues it)."
    )


def test_the_time_it_resumes_by_does_not_move_when_the_page_is_refreshed(sending, sweep, settings):
    settings.TIME_ZONE = "UTC"
    deliveries.claim(sending.pk, 2)
    last_claim = Delivery.objects.filter(issue=sending, status="sending").first().claimed_at
    seen = []
    for later in (35, 40, 44):
        with time_machine.travel(last_claim + dt.timedelta(seconds=later), tick=False):
            seen.append(control.progress(sending)["stalled"]["resumes_by"])
    assert seen == [(last_claim + dt.timedelta(seconds=45)).isoformat()] * 3


def test_it_says_when_the_sweep_is_overdue(sending, sweep, settings):
    settings.TIME_ZONE = "UTC"
    deliveries.claim(sending.pk, 2)
    last_claim = Delivery.objects.filter(issue=sending, status="sending").first().claimed_at
    with time_machine.travel(last_claim + dt.timedelta(minutes=5), tick=False):
        stalled = control.progress(sending)["stalled"]
    assert "should have resumed by" in stalled["text"] and "/healthz/workers" in stalled["text"]


def test_it_says_when_the_resume_sweep_is_not_enabled(sending, sweep):
    sweep.enabled = False
    sweep.save()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31)):
        stalled = control.progress(sending)["stalled"]
    assert stalled["resumes_by"] is None
    assert "“mailing: resume stalled sends” is not enabled" in stalled["text"]


def test_it_is_not_stalled_while_rows_wait_for_their_backoff(sending, sweep):
    Delivery.objects.filter(issue=sending).update(next_attempt_at=timezone.now() + dt.timedelta(hours=1))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert control.progress(sending)["stalled"] is None


def test_it_is_not_stalled_while_paused(sending, sweep):
    control.pause(sending)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        assert control.progress(sending)["stalled"] is None


def test_it_shows_the_stall_on_the_issue_page(client, send_permissions, sending, sweep):
    editor, _ = send_permissions
    client.force_login(editor)
    change = reverse("admin:editions_issue_change", args=[sending.pk])
    live = client.get(change).content.decode()
    assert '<p id="mailing-stall" hidden></p>' in live
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False):  # one moment for both
        page = client.get(change).content.decode()
        data = client.get(reverse("admin:editions_issue_progress", args=[sending.pk])).json()
    assert f'<p id="mailing-stall" class="errornote">{data["stalled"]["text"]}</p>' in page
    assert "will resume by" in data["stalled"]["text"]
