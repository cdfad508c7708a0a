"""Every page that shows a pending schedule warns when no scheduler has run lately; the demo runs its own."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from curator.editions.models import Issue
from curator.mailing import schedule, scheduler
from curator.mailing.models import ScheduledSend
from curator.mailing.tasks import start_scheduled_sends
from tests.factories import make_issue, make_subscribers

WARNING = "The scheduler is not running: this send will not start."


def pages(client, issue):
    return [
        client.get(reverse("admin:index")).content.decode(),
        client.get(reverse("admin:editions_issue_change", args=[issue.pk])).content.decode(),
        client.get(reverse("admin:editions_issue_schedule", args=[issue.pk])).content.decode(),
    ]


@pytest.mark.django_db
def test_a_schedule_warns_until_a_scheduler_runs_and_again_when_it_stops(client, send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    schedule.schedule_send(issue, timezone.now() + dt.timedelta(days=1), "UTC", publisher)
    client.force_login(publisher)

    assert all(WARNING in html for html in pages(client, issue)), "nothing has ever started a schedule"

    start_scheduled_sends()  # what beat runs every 15 s: it records the run
    assert not any(WARNING in html for html in pages(client, issue))

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        assert all(WARNING in html for html in pages(client, issue)), "beat stopped three minutes ago"


@pytest.mark.django_db(transaction=True)
def test_the_demo_thread_starts_a_due_send(send_permissions, smtp_server):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(2)
    schedule.schedule_send(issue, timezone.now() + dt.timedelta(minutes=5), "UTC", publisher)
    ScheduledSend.objects.filter(issue=issue).update(send_at=timezone.now())  # five minutes later
    stop = scheduler.start_thread(interval=0.2)
    try:
        for _ in range(100):
            if Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT:
                break
            stop.wait(0.1)
    finally:
        stop.set()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT
    assert ScheduledSend.objects.get(issue=issue).status == ScheduledSend.Status.STARTED
    assert scheduler.is_running()


def test_only_the_serving_runserver_process_runs_the_thread(monkeypatch):
    monkeypatch.setenv("RUN_MAIN", "true")
    assert scheduler.serves_requests_here(["manage.py", "runserver", "127.0.0.1:8000"])
    assert not scheduler.serves_requests_here(["manage.py", "migrate"])
    monkeypatch.delenv("RUN_MAIN")
    assert not scheduler.serves_requests_here(["manage.py", "runserver"]), "the autoreloader's parent"
    assert scheduler.serves_requests_here(["manage.py", "runserver", "--noreload"])
