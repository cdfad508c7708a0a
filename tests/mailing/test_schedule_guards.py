"""A scheduled send goes out only as the publisher scheduled it: same content, still a publisher, sane time."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from curator.editions import workflow
from curator.editions.content import issue_content
from curator.editions.models import Issue, Pick
from curator.mailing import schedule
from curator.mailing.models import Delivery, ScheduledSend
from curator.team.models import Assignment, Member
from tests.factories import make_issue, make_subscribers
from tests.support.forms import change_form_data

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 31, 8, 0, tzinfo=dt.UTC)
DUE = NOW + dt.timedelta(hours=1)


def scheduled(publisher, issue=None):
    issue = issue or make_issue()
    make_subscribers(3)
    with time_machine.travel(NOW, tick=False):
        schedule.schedule_send(issue, DUE, "UTC", publisher)
    return issue


def test_an_editor_who_rewrites_the_intro_after_scheduling_sends_nothing(
    client, send_permissions, django_capture_on_commit_callbacks
):
    editor, publisher = send_permissions
    issue = scheduled(publisher)
    client.force_login(editor)
    url = reverse("admin:editions_issue_change", args=[issue.pk])
    data = change_form_data(client.get(url))
    data["intro"] = "You won! Claim your prize (https://evil.example/prize)."
    assert client.post(url, data).status_code == 302
    assert Issue.objects.get(pk=issue.pk).intro.startswith("You won!")

    with django_capture_on_commit_callbacks(execute=True):
        result = schedule.start_due_sends(DUE)

    assert result.started == [] and result.refused == [issue.pk]
    assert not Delivery.objects.exists()
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.READY
    row = ScheduledSend.objects.get(issue=issue)
    assert row.status == ScheduledSend.Status.REFUSED and "changed after it was scheduled" in row.note
    (notice,) = [m for m in mail.outbox if publisher.email in m.to]
    assert "did not start" in notice.body and "changed after it was scheduled" in notice.body
    page = client.get(url).content.decode()
    assert "changed after it was scheduled" in page


def test_a_reordered_pick_counts_as_a_change_too(send_permissions):
    _, publisher = send_permissions
    issue = scheduled(publisher)
    pick = Pick.objects.filter(issue=issue, section__title="Recommended reading").order_by("position").first()
    workflow.move_pick(pick, 1)
    assert schedule.start_due_sends(DUE).refused == [issue.pk]


def written_by(issue: Issue, writer, link: str = "") -> Pick:
    """The issue's first pick, written and approved by `writer`, who has `link` on their profile."""
    pick = Pick.objects.filter(issue=issue).order_by("section__position", "position").first()
    assert pick is not None and pick.byline
    Member.objects.create(user=writer, display_name=pick.byline, link=link)
    Assignment.objects.create(pick=pick, writer=writer, state=Assignment.State.APPROVED, byline_link=link)
    return pick


def test_a_writer_who_links_their_byline_after_scheduling_sends_nothing(client, send_permissions, make_member):
    """The byline link reaches every reader's email, so it is part of what the publisher scheduled."""
    _, publisher = send_permissions
    writer = make_member("chris", "Chris", role="Contributor")
    issue = make_issue()
    pick = written_by(issue, writer)  # claimed while the profile had no link: the email shows the profile's
    scheduled(publisher, issue)
    client.force_login(writer)
    profile = {"display_name": pick.byline, "link": "https://evil.example/prize"}
    assert client.post(reverse("admin:team_profile"), profile).status_code == 302
    links = [p.byline_url for s in issue_content(issue).sections for p in s.picks]
    assert "https://evil.example/prize" in links, "the new link would go out under the publisher's name"

    result = schedule.start_due_sends(DUE)

    assert result.started == [] and result.refused == [issue.pk]
    assert not Delivery.objects.exists()
    assert "changed after it was scheduled" in ScheduledSend.objects.get(issue=issue).note


def test_a_byline_link_set_before_scheduling_does_not_hold_the_send_up(send_permissions, make_member):
    _, publisher = send_permissions
    issue = make_issue()
    written_by(issue, make_member("chris", "Chris", role="Contributor"), link="https://chris.example.org/")
    scheduled(publisher, issue)
    assert schedule.start_due_sends(DUE).started == [issue.pk]


def test_the_unchanged_issue_starts(send_permissions):
    _, publisher = send_permissions
    issue = scheduled(publisher)
    assert schedule.start_due_sends(DUE).started == [issue.pk]
    assert Delivery.objects.filter(issue=issue).count() == 3


def test_a_send_scheduled_by_a_since_deleted_publisher_does_not_go_out(send_permissions):
    _, publisher = send_permissions
    issue = scheduled(publisher)
    publisher.delete()

    assert schedule.start_due_sends(DUE).refused == [issue.pk]
    assert not Delivery.objects.exists()
    assert "no longer has an account" in ScheduledSend.objects.get(issue=issue).note


def test_a_send_scheduled_by_a_since_deactivated_publisher_does_not_go_out(send_permissions):
    _, publisher = send_permissions
    issue = scheduled(publisher)
    type(publisher).objects.filter(pk=publisher.pk).update(is_active=False)

    assert schedule.start_due_sends(DUE).refused == [issue.pk]
    assert not Delivery.objects.exists()
    assert "may no longer send" in ScheduledSend.objects.get(issue=issue).note


def test_a_send_scheduled_by_a_since_demoted_publisher_does_not_go_out(send_permissions):
    _, publisher = send_permissions
    issue = scheduled(publisher)
    publisher.groups.clear()  # an Editor now: the account is active but may not send
    publisher.user_permissions.remove(Permission.objects.get(codename="send_issue"))

    assert schedule.start_due_sends(DUE).refused == [issue.pk]
    assert not Delivery.objects.exists()
    assert "may no longer send" in ScheduledSend.objects.get(issue=issue).note


def test_marking_ready_records_what_was_approved_and_the_send_page_says_when_it_changed(client, send_permissions):
    _, publisher = send_permissions
    issue = make_issue(status=Issue.Status.DRAFT)
    workflow.transition(issue, Issue.Status.READY)
    assert Issue.objects.get(pk=issue.pk).ready_fingerprint
    client.force_login(publisher)
    send_page = reverse("admin:editions_issue_send", args=[issue.pk])
    assert 'id="changed-since-ready"' not in client.get(send_page).content.decode()
    Issue.objects.filter(pk=issue.pk).update(sign_off="Changed after approval.")
    assert 'id="changed-since-ready"' in client.get(send_page).content.decode()
    workflow.transition(issue, Issue.Status.DRAFT)
    assert Issue.objects.get(pk=issue.pk).ready_fingerprint == ""


@pytest.mark.parametrize("when", ["9999-12-31T23:59", "2028-01-01T00:00"])
def test_it_refuses_a_time_more_than_a_year_ahead(client, send_permissions, when):
    _, publisher = send_permissions
    issue = make_issue()
    client.force_login(publisher)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("admin:editions_issue_schedule", args=[issue.pk]),
            {"send_at": when, "time_zone": "Pacific/Pago_Pago"},
        )
    assert response.status_code == 200
    assert "within a year" in response.content.decode()
    assert not ScheduledSend.objects.exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_database_refuses_a_time_python_cannot_read_back():
    """On PostgreSQL 9999-12-31 23:59 at UTC-12 is stored as year 10000 unless a constraint stops it."""
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL stores what Python cannot read")
    issue = make_issue()
    zone = dt.timezone(dt.timedelta(hours=-12))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScheduledSend.objects.create(
            issue=issue, send_at=dt.datetime(9999, 12, 31, 23, 59, tzinfo=zone), time_zone="Etc/GMT+12"
        )
    assert ScheduledSend.objects.count() == 0


def test_the_migration_cancels_a_stored_year_10000_schedule_so_every_page_loads_again(client, send_permissions):
    """What an earlier version let through: the row stays, cancelled, with a time Python can read."""
    import importlib

    from django.apps import apps
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL stored what Python cannot read")
    _, publisher = send_permissions
    issue = make_issue()
    with connection.cursor() as cursor:  # DDL is transactional on PostgreSQL: the test's rollback restores it
        cursor.execute("ALTER TABLE mailing_scheduledsend DROP CONSTRAINT scheduled_send_at_readable")
        cursor.execute(
            "INSERT INTO mailing_scheduledsend (issue_id, send_at, time_zone, status, note, content_fingerprint, "
            "created_at) VALUES (%s, '10000-01-01 11:59:00+00', 'Etc/GMT+12', 'scheduled', '', '', now())",
            [issue.pk],
        )
    client.force_login(publisher)
    with pytest.raises(Exception, match="year"):
        client.get(reverse("admin:index"))

    migration = importlib.import_module("curator.mailing.migrations.0011_scheduling_guards")
    migration.cancel_unreadable(apps, None)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:editions_issue_change", args=[issue.pk])).status_code == 200
    row = ScheduledSend.objects.get(issue=issue)
    assert row.status == ScheduledSend.Status.CANCELLED and "9999" in row.note
