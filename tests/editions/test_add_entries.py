import datetime

import pytest

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from summarizer.models import Draft
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


def test_it_turns_entries_into_picks_prefilled_from_entry_and_best_draft(issue, make_entry, make_draft, editor):
    entry = make_entry("Sparse attention, revisited")
    make_draft(entry, "Older model draft.")
    make_draft(entry, "Newest model draft.\nSecond line.")
    make_draft(entry, "Even newer fallback draft.", engine=Draft.Engine.FALLBACK)
    section = issue.sections.get(title="Research updates")

    result = workflow.add_entries_to_issue([entry], issue, section, editor)

    pick = Pick.objects.get()
    assert result.added == [pick]
    assert (pick.issue, pick.section, pick.entry) == (issue, section, entry)
    assert pick.title == "Sparse attention, revisited"
    assert pick.url == entry.url
    assert pick.blurb == "Newest model draft.\nSecond line."
    assert pick.byline == "Edna Editor"
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.PICKED


def test_it_falls_back_to_the_newest_fallback_draft_and_then_to_an_empty_blurb(issue, make_entry, make_draft, editor):
    with_fallback, without = make_entry(), make_entry()
    make_draft(with_fallback, "Old fallback.", engine=Draft.Engine.FALLBACK)
    make_draft(with_fallback, "New fallback.", engine=Draft.Engine.FALLBACK)
    section = issue.sections.first()
    workflow.add_entries_to_issue([with_fallback, without], issue, section, editor)
    assert dict(Pick.objects.values_list("entry_id", "blurb")) == {with_fallback.pk: "New fallback.", without.pk: ""}


def test_it_appends_after_the_picks_already_in_the_section(issue, make_entry, editor):
    section = issue.sections.get(title="Recommended reading")
    first = add_pick(issue, make_entry(), position=4)
    workflow.add_entries_to_issue([make_entry("B"), make_entry("C")], issue, section, editor)
    assert list(section.picks.order_by("position").values_list("title", "position")) == [
        (first.title, 4),
        ("B", 5),
        ("C", 6),
    ]


def test_it_skips_entries_already_in_the_issue_and_reports_them(issue, make_entry, editor):
    entry = make_entry()
    section = issue.sections.first()
    workflow.add_entries_to_issue([entry], issue, section, editor)
    result = workflow.add_entries_to_issue([entry], issue, section, editor)
    assert result.added == []
    assert result.already_in_issue == [entry]
    assert Pick.objects.count() == 1


def test_it_reports_entries_featured_in_an_earlier_sent_issue(issue, make_entry, editor):
    entry = make_entry()
    earlier = Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 10, 1))
    add_pick(earlier, entry)
    send(earlier)
    result = workflow.add_entries_to_issue([entry], issue, issue.sections.first(), editor)
    assert [pick.entry for pick in result.added] == [entry]
    assert result.featured_before == [entry]


def test_it_refuses_a_section_of_another_issue(issue, make_entry, editor):
    other = Issue.objects.create(title="Other", month=datetime.date(2026, 12, 1))
    with pytest.raises(workflow.WorkflowError, match="another issue"):
        workflow.add_entries_to_issue([make_entry()], issue, other.sections.first(), editor)
    assert not Pick.objects.exists()


def test_it_refuses_to_add_to_a_sent_issue_and_leaves_entries_untouched(issue, make_entry, editor):
    entry = make_entry(triage=Entry.Triage.SHORTLISTED)
    add_pick(issue)
    send(issue)
    with pytest.raises(workflow.IssueLocked):
        workflow.add_entries_to_issue([entry], issue, issue.sections.first(), editor)
    entry.refresh_from_db()
    assert entry.triage == Entry.Triage.SHORTLISTED
    assert issue.picks.count() == 1


def test_it_uses_the_username_when_the_staff_member_has_no_name(issue, make_entry, django_user_model):
    user = django_user_model.objects.create_user("nameless", is_staff=True)
    workflow.add_entries_to_issue([make_entry()], issue, issue.sections.first(), user)
    assert Pick.objects.get().byline == "nameless"


def test_it_never_prefills_a_demoted_draft_even_the_newest_model_one(issue, make_entry, make_draft, editor):
    entry = make_entry()
    make_draft(
        entry, "The extract shown first.", engine=Draft.Engine.FALLBACK, profile_name="extract (model drafts demoted)"
    )
    make_draft(entry, "Dr. Elena Martinez proposes it.", demoted_reason="invents Elena, Martinez")
    workflow.add_entries_to_issue([entry], issue, issue.sections.first(), editor)
    assert Pick.objects.get(entry=entry).blurb == "The extract shown first."
