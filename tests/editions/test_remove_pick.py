import datetime

import pytest

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


def _picked(issue, make_entry, editor):
    entry = make_entry()
    workflow.add_entries_to_issue([entry], issue, issue.sections.first(), editor)
    return entry, Pick.objects.get(entry=entry, issue=issue)


def test_it_puts_the_entry_back_on_the_shortlist(issue, make_entry, editor):
    entry, pick = _picked(issue, make_entry, editor)
    workflow.remove_pick(pick)
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.SHORTLISTED
    assert not Pick.objects.exists()


def test_it_releases_entries_when_the_whole_draft_issue_is_deleted(issue, make_entry, editor):
    entry, _ = _picked(issue, make_entry, editor)
    issue.delete()
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.SHORTLISTED


def test_it_keeps_the_entry_picked_while_another_issue_still_carries_it(issue, make_entry, editor):
    entry, pick = _picked(issue, make_entry, editor)
    other = Issue.objects.create(title="Special", month=datetime.date(2026, 12, 1))
    workflow.add_entries_to_issue([entry], other, other.sections.first(), editor)
    workflow.remove_pick(pick)
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.PICKED


def test_it_refuses_to_remove_a_pick_from_a_sent_issue(issue, make_entry, editor):
    entry, pick = _picked(issue, make_entry, editor)
    send(issue)
    with pytest.raises(workflow.IssueLocked):
        workflow.remove_pick(pick)
    assert Pick.objects.filter(pk=pick.pk).exists()
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.PICKED


def test_it_keeps_hand_added_links_out_of_entry_bookkeeping(issue):
    pick = add_pick(issue, None, url="https://example.org/talk")
    workflow.remove_pick(pick)
    assert not Pick.objects.exists()
