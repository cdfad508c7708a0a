import pytest

from curator.editions import workflow
from curator.editions.models import Issue
from tests.factories import add_pick

pytestmark = pytest.mark.django_db
S = Issue.Status


def test_it_moves_an_issue_with_picks_from_draft_to_ready(issue):
    add_pick(issue)
    workflow.transition(issue, S.READY)
    issue.refresh_from_db()
    assert issue.status == S.READY


def test_it_refuses_ready_for_an_issue_without_picks(issue):
    with pytest.raises(workflow.EmptyIssue, match="no picks"):
        workflow.transition(issue, S.READY)
    issue.refresh_from_db()
    assert issue.status == S.DRAFT


def test_it_goes_draft_ready_sending_sent_and_stamps_sent_at(issue, publisher):
    add_pick(issue)
    for target in (S.READY, S.SENDING, S.SENT):
        workflow.transition(issue, target, user=publisher)
    issue.refresh_from_db()
    assert issue.status == S.SENT
    assert issue.sent_at is not None


def test_it_lets_a_ready_issue_go_back_to_draft(issue):
    add_pick(issue)
    workflow.transition(issue, S.READY)
    workflow.transition(issue, S.DRAFT)
    issue.refresh_from_db()
    assert issue.status == S.DRAFT


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.DRAFT, S.SENDING), (S.DRAFT, S.SENT), (S.READY, S.SENT), (S.SENT, S.DRAFT), (S.SENDING, S.DRAFT)],
)
def test_it_refuses_skipping_or_reversing_steps(issue, start, target):
    add_pick(issue)
    Issue.objects.filter(pk=issue.pk).update(status=start)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.transition(issue, target)
    issue.refresh_from_db()
    assert issue.status == start


def test_it_refuses_to_start_sending_for_an_editor(issue, editor):
    from django.core.exceptions import PermissionDenied

    add_pick(issue)
    workflow.transition(issue, S.READY)
    with pytest.raises(PermissionDenied):
        workflow.transition(issue, S.SENDING, user=editor)
    issue.refresh_from_db()
    assert issue.status == S.READY


def test_it_reads_the_stored_status_not_a_stale_object(issue):
    add_pick(issue)
    stale = Issue.objects.get(pk=issue.pk)
    workflow.transition(issue, S.READY)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.transition(stale, S.READY)  # stale still says draft; the row says ready
