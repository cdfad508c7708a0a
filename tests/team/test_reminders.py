"""Reminders before the due date, through the real SMTP test server; once per member, issue and day."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from curator.editions.models import Issue, LinkCheck, Pick, TeamReminder
from curator.mailing.models import ScheduledSend
from curator.team import reminders
from curator.team.models import Assignment
from tests.factories import team_due_issue

NOW = dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def send_due(django_capture_on_commit_callbacks):
    """send_due, with the outbox hand-over that follows each commit run as it would outside a test transaction."""

    def run(now: dt.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_due(now=now)

    return run


def due_issue(team, due: dt.datetime = NOW + dt.timedelta(days=2)) -> Issue:
    return team_due_issue(team, due)


@pytest.mark.django_db
def test_each_writer_with_open_picks_gets_one_email_and_editors_one_digest(team, smtp_server, send_due) -> None:
    issue = due_issue(team)
    assert send_due(NOW) == 4  # Chris's reminder, and a digest for each of the three editors

    assert smtp_server.handler.per_recipient() == {
        "chris@example.org": 2,  # his reminder and the editors' digest (he is an editor too)
        "keita@example.org": 1,  # the digest only: her pick is written
        "edna2@example.org": 1,
    }
    [reminder] = [m for m in smtp_server.handler.messages_to("chris@example.org") if "blurbs to write" in m["Subject"]]
    assert reminder["Subject"] == f"Recommended Reading: 2 blurbs to write for {issue}"
    body = reminder.get_content()
    assert "Pruning datasets before you train" in body and "Sparse attention, revisited" in body
    assert "Calibration of small language models" not in body  # Keita's, written
    mine = Pick.objects.filter(issue=issue, assignment__writer=team["chris"], assignment__state="claimed")
    for pick in mine:  # each pick links to its place on My picks, where he writes it
        assert f"https://news.example.org/admin/team/suggestion/my-picks/#my-pick-{pick.pk}" in body
    assert f"admin/editions/issue/{issue.pk}/change/" not in body

    [digest] = smtp_server.handler.messages_to("edna2@example.org")
    text = digest.get_content()
    assert "Nobody writes these yet (1):" in text and "Nobody wrote me yet" in text
    assert "Claimed, not written yet (2):" in text and "(Chris)" in text
    assert "Links that failed their last check (1):" in text and "HTTP 404 from the site" in text
    assert f"Issue page: https://news.example.org/admin/editions/issue/{issue.pk}/change/" in text
    assert "my-picks" not in text  # the editors' digest stays on the issue page


@pytest.mark.django_db
def test_at_most_one_reminder_per_member_issue_and_day(team, smtp_server, send_due) -> None:
    due_issue(team)
    assert send_due(NOW) == 4
    assert send_due(NOW + dt.timedelta(hours=5)) == 0
    assert len(smtp_server.handler.received) == 4
    assert send_due(NOW + dt.timedelta(days=1)) == 4  # the next day: again
    assert TeamReminder.objects.count() == 8 and not TeamReminder.objects.filter(sent_at=None).exists()


@pytest.mark.django_db
def test_nothing_is_sent_before_the_reminder_window_or_for_a_sent_issue(team, smtp_server, send_due, settings) -> None:
    settings.TEAM_REMINDER_DAYS = 3
    issue = due_issue(team, due=NOW + dt.timedelta(days=4))
    assert send_due(NOW) == 0
    Issue.objects.filter(pk=issue.pk).update(due_at=NOW + dt.timedelta(days=1), status=Issue.Status.SENT)
    assert send_due(NOW) == 0
    assert smtp_server.handler.received == []


@pytest.mark.django_db
def test_members_with_nothing_to_do_get_nothing(team, smtp_server, send_due) -> None:
    issue = due_issue(team)
    for pick in Pick.objects.filter(issue=issue):
        Assignment.objects.update_or_create(pick=pick, defaults={"writer": team["keita"], "state": "written"})
    LinkCheck.objects.all().delete()
    assert send_due(NOW) == 0
    assert smtp_server.handler.received == []


@pytest.mark.django_db
def test_a_scheduled_send_counts_as_the_due_date(team, smtp_server, send_due) -> None:
    issue = due_issue(team)
    Issue.objects.filter(pk=issue.pk).update(due_at=None)
    assert send_due(NOW) == 0
    ScheduledSend.objects.create(issue=issue, send_at=NOW + dt.timedelta(days=1), time_zone="UTC")
    assert reminders.due_at(issue) == NOW + dt.timedelta(days=1)
    assert send_due(NOW) == 4


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once(team, smtp_server) -> None:
    due_issue(team)
    start = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            counts.append(reminders.send_due(now=NOW))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(counts) in ([0, 4], [1, 3], [2, 2]) and sum(counts) == 4
    assert smtp_server.handler.per_recipient() == {
        "chris@example.org": 2,
        "keita@example.org": 1,
        "edna2@example.org": 1,
    }
    assert TeamReminder.objects.count() == 4


@pytest.mark.django_db
def test_beat_runs_the_reminders_every_hour() -> None:
    from django_celery_beat.models import PeriodicTask

    from curator.celery import app

    task = PeriodicTask.objects.get(name="team: send due reminders")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "curator.team.tasks.send_due_reminders",
        True,
        1,
        "hours",
    )
    app.loader.import_default_modules()
    assert task.task in app.tasks


@pytest.mark.django_db
def test_the_issue_page_shows_the_due_date(team, editor_client) -> None:
    from django.urls import reverse

    issue = due_issue(team, due=dt.datetime(2026, 3, 24, 16, 0, tzinfo=dt.UTC))
    page = editor_client.get(reverse("admin:editions_issue_change", args=[issue.pk])).content.decode()
    assert 'name="due_at"' in page
    assert "Due:</strong> Tuesday 24 March 2026" in page
