"""Scheduled sending: started once by racing schedulers, never for an issue that is not ready."""

import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from curator.editions import workflow
from curator.editions.models import Issue
from curator.mailing import control, schedule
from curator.mailing.models import Delivery, ScheduledSend
from curator.mailing.tasks import start_scheduled_sends
from tests.factories import make_issue, make_subscribers

NOW = dt.datetime(2026, 3, 31, 8, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_it_starts_a_scheduled_send_once_with_two_schedulers_racing(smtp_server, send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    readers = make_subscribers(12)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, NOW + dt.timedelta(hours=1), "UTC", publisher)
    results: list = []
    barrier = threading.Barrier(2)

    def beat() -> None:
        try:
            barrier.wait()
            results.append(schedule.start_due_sends(NOW + dt.timedelta(hours=1, seconds=5)))
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(len(r.started) for r in results) == [0, 1]
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    row = ScheduledSend.objects.get(issue=issue)
    assert row.status == ScheduledSend.Status.STARTED
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT
    # A restarted beat (or a third one) finds nothing left to start.
    assert schedule.start_due_sends(NOW + dt.timedelta(hours=2)).started == []
    assert Delivery.objects.filter(issue=issue).count() == 12


@pytest.mark.django_db
def test_it_does_not_start_before_the_time(send_permissions, django_capture_on_commit_callbacks):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(2)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, NOW + dt.timedelta(hours=1), "UTC", publisher)
    assert schedule.start_due_sends(NOW + dt.timedelta(minutes=59)).started == []
    assert not Delivery.objects.exists()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY


@pytest.mark.django_db
def test_it_never_sends_an_issue_moved_back_to_draft(send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(3)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, NOW + dt.timedelta(hours=1), "UTC", publisher)
    workflow.transition(issue, Issue.Status.DRAFT)
    row = ScheduledSend.objects.get(issue=issue)
    assert row.status == ScheduledSend.Status.CANCELLED, "leaving ready cancels the schedule at once"
    assert "draft" in row.note

    workflow.transition(issue, Issue.Status.READY)  # ready again: the old schedule stays cancelled
    result = schedule.start_due_sends(NOW + dt.timedelta(hours=1))

    assert result.started == [] and result.refused == []
    assert not Delivery.objects.exists()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY
    assert ScheduledSend.objects.get(issue=issue).status == ScheduledSend.Status.CANCELLED


@pytest.mark.django_db
def test_it_cancels_the_schedule_of_an_issue_sent_by_hand_meanwhile(client, send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(2)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, NOW + dt.timedelta(hours=1), "UTC", publisher)
    control.send_issue(issue, publisher)
    client.force_login(publisher)
    assert "data-countdown" not in client.get(reverse("admin:index")).content.decode()

    assert ScheduledSend.objects.get(issue=issue).status == ScheduledSend.Status.CANCELLED
    result = schedule.start_due_sends(NOW + dt.timedelta(hours=1))

    assert result.started == [] and result.refused == []
    assert Delivery.objects.filter(issue=issue).count() == 2  # the manual send's rows, no more


@pytest.mark.django_db
def test_it_refuses_to_schedule_a_draft_issue(send_permissions):
    _, publisher = send_permissions
    issue = make_issue(status=Issue.Status.DRAFT)
    with pytest.raises(schedule.ScheduleError, match="mark it ready"):
        schedule.schedule_send(issue, timezone.now() + dt.timedelta(days=1), "UTC", publisher)
    assert not ScheduledSend.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_time_in_the_past(send_permissions):
    _, publisher = send_permissions
    with pytest.raises(schedule.ScheduleError, match="future"):
        schedule.schedule_send(make_issue(), timezone.now() - dt.timedelta(minutes=1), "UTC", publisher)


@pytest.mark.django_db
def test_it_lets_only_publishers_schedule(send_permissions):
    editor, _ = send_permissions
    with pytest.raises(PermissionDenied):
        schedule.schedule_send(make_issue(), timezone.now() + dt.timedelta(days=1), "UTC", editor)


@pytest.mark.django_db
def test_it_cancels_a_pending_schedule(send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(1)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, NOW + dt.timedelta(hours=1), "UTC", publisher)
    assert schedule.cancel_schedule(issue, publisher) is True
    assert schedule.cancel_schedule(issue, publisher) is False
    assert schedule.start_due_sends(NOW + dt.timedelta(hours=2)).started == []
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_unknown_time_zone():
    with pytest.raises(schedule.ScheduleError, match="time zone"):
        schedule.aware(dt.datetime(2026, 4, 1, 9, 0), "Mars/Olympus")  # noqa: DTZ001 - a wall-clock time


@pytest.mark.django_db
def test_it_reads_the_form_time_in_the_editors_time_zone(client, send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    client.force_login(publisher)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("admin:editions_issue_schedule", args=[issue.pk]),
            {"send_at": "2026-04-01T09:30", "time_zone": "Europe/Berlin"},
        )
    assert response.status_code == 302
    row = ScheduledSend.objects.get(issue=issue)
    assert row.send_at == dt.datetime(2026, 4, 1, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert row.send_at == dt.datetime(2026, 4, 1, 7, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_it_forbids_editors_the_schedule_page(client, send_permissions):
    editor, _ = send_permissions
    issue = make_issue()
    client.force_login(editor)
    url = reverse("admin:editions_issue_schedule", args=[issue.pk])
    assert client.post(url, {"send_at": "2030-04-01T09:30", "time_zone": "UTC"}).status_code == 403
    assert not ScheduledSend.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_countdown_on_the_dashboard_and_issue_page(client, send_permissions):
    _, publisher = send_permissions
    issue = make_issue()
    schedule.schedule_send(issue, timezone.now() + dt.timedelta(days=2, hours=1), "UTC", publisher)
    client.force_login(publisher)

    dashboard = client.get(reverse("admin:index")).content.decode()
    page = client.get(reverse("admin:editions_issue_change", args=[issue.pk])).content.decode()

    for html in (dashboard, page):
        assert "data-countdown" in html
        assert "in 2\xa0days" in html
    assert 'id="cancel-schedule"' in page

    client.post(reverse("admin:editions_issue_unschedule", args=[issue.pk]))
    assert "data-countdown" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_it_runs_from_beat_every_fifteen_seconds(send_permissions):
    task = PeriodicTask.objects.get(task="curator.mailing.tasks.start_scheduled_sends")
    assert (task.interval.every, task.interval.period) == (15, "seconds")
    _, publisher = send_permissions
    issue = make_issue()
    make_subscribers(2)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, NOW + dt.timedelta(minutes=5), "UTC", publisher)
    with time_machine.travel(NOW + dt.timedelta(minutes=5, seconds=3), tick=False):
        assert start_scheduled_sends.apply().get() == {"started": [issue.pk], "refused": []}
    assert Delivery.objects.filter(issue=issue).count() == 2
