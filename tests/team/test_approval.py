"""Sign-off: a second publisher approves; a change clears it and says so; nothing is sent or scheduled before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from curator.mailing import control, schedule
from curator.mailing.models import Delivery
from curator.team import approval
from tests.factories import make_issue, make_subscribers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_approval(settings, link_server) -> None:
    settings.TEAM_REQUIRE_APPROVAL = True


@pytest.fixture
def ready_issue(link_server, make_member):
    issue = make_issue(status=Issue.Status.DRAFT)
    Pick.objects.filter(issue=issue).update(url=link_server.url("/live"))
    paula = make_member("paula2", "Paula", role="Publisher")
    approval.mark_ready(issue, paula)
    issue.refresh_from_db()
    return issue


def test_the_publisher_who_marked_it_ready_cannot_approve_it(ready_issue) -> None:
    with pytest.raises(workflow.WorkflowError, match="another publisher must approve it"):
        approval.approve(ready_issue, ready_issue.ready_by)


def test_an_editor_cannot_approve(ready_issue, make_member) -> None:
    with pytest.raises(PermissionDenied):
        approval.approve(ready_issue, make_member("eddie", "Eddie", role="Editor"))


def test_sending_waits_for_approval_by_another_publisher(ready_issue, make_member) -> None:
    make_subscribers(2)
    with pytest.raises(control.SendError, match="A publisher other than Paula must approve"):
        control.send_issue(ready_issue, ready_issue.ready_by)
    assert not Delivery.objects.exists()

    approval.approve(ready_issue, make_member("quinn", "Quinn", role="Publisher"))
    assert approval.is_approved(ready_issue)
    assert control.send_issue(ready_issue, ready_issue.ready_by) == 2


def test_a_change_after_approval_clears_it_and_says_so(ready_issue, make_member) -> None:
    approval.approve(ready_issue, make_member("quinn", "Quinn", role="Publisher"))
    pick = Pick.objects.filter(issue=ready_issue).first()
    assert pick is not None
    pick.blurb += " One more sentence."
    pick.save()

    assert not approval.is_approved(ready_issue)
    ready_issue.refresh_from_db()
    assert ready_issue.approved_by is None
    assert ready_issue.approval_cleared_note == "The approval by Quinn was cleared: the content changed after it."
    with pytest.raises(control.SendError, match="The approval by Quinn was cleared"):
        control.send_issue(ready_issue, ready_issue.ready_by)


def test_scheduling_waits_for_approval(ready_issue, make_member) -> None:
    when = timezone.now() + dt.timedelta(days=2)
    with pytest.raises(schedule.ScheduleError, match="must approve"):
        schedule.schedule_send(ready_issue, when, "UTC", ready_issue.ready_by)
    approval.approve(ready_issue, make_member("quinn", "Quinn", role="Publisher"))
    assert schedule.schedule_send(ready_issue, when, "UTC", ready_issue.ready_by).send_at == when


def test_back_to_draft_forgets_the_approval(ready_issue, make_member) -> None:
    approval.approve(ready_issue, make_member("quinn", "Quinn", role="Publisher"))
    workflow.transition(ready_issue, Issue.Status.DRAFT)
    ready_issue.refresh_from_db()
    assert (ready_issue.approved_by, ready_issue.ready_by, ready_issue.approved_fingerprint) == (None, None, "")


def test_without_the_setting_no_approval_is_needed(ready_issue, settings) -> None:
    settings.TEAM_REQUIRE_APPROVAL = False
    make_subscribers(1)
    assert control.send_issue(ready_issue, ready_issue.ready_by) == 1


def test_the_issue_page_approves_and_shows_a_cleared_approval(ready_issue, make_member, client) -> None:
    quinn = make_member("quinn", "Quinn", role="Publisher")
    client.force_login(quinn)
    page = client.get(reverse("admin:editions_issue_change", args=[ready_issue.pk])).content.decode()
    assert "Waiting for approval by a publisher other than Paula" in page and 'id="approve-issue"' in page
    client.post(reverse("admin:editions_issue_approve", args=[ready_issue.pk]))
    ready_issue.refresh_from_db()
    assert ready_issue.approved_by == quinn

    Issue.objects.filter(pk=ready_issue.pk).update(intro="A new intro.")
    page = client.get(reverse("admin:editions_issue_change", args=[ready_issue.pk])).content.decode()
    assert "The approval by Quinn was cleared: the content changed after it." in page


def test_an_editor_is_refused_the_approve_page(ready_issue, editor_client) -> None:
    response = editor_client.post(reverse("admin:editions_issue_approve", args=[ready_issue.pk]))
    assert response.status_code == 403
    ready_issue.refresh_from_db()
    assert ready_issue.approved_by is None
