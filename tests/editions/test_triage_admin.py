"""The entry changelist as editors triage with it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from summarizer.models import Draft
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db
URL = reverse("admin:feeds_entry_changelist")


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return [entry.title for entry in response.context_data["cl"].result_list]


def test_it_lists_newest_first_with_undated_entries_last(editor_client, make_entry):
    now = timezone.now()
    make_entry("Old", published_at=now - datetime.timedelta(days=20))
    make_entry("Undated", published_at=None)
    make_entry("New", published_at=now)
    assert _titles(editor_client.get(URL)) == ["New", "Old", "Undated"]


def test_it_shows_the_first_line_of_the_best_draft(editor_client, make_entry, make_draft):
    entry = make_entry("With drafts")
    make_draft(entry, "Model says this.\nAnd more.")
    make_draft(entry, "Fallback, newer.", engine=Draft.Engine.FALLBACK)
    only_fallback = make_entry("Fallback only")
    make_draft(only_fallback, "\n  Extractive first line.\nrest")
    Draft.objects.filter(entry=only_fallback).update(engine=Draft.Engine.FALLBACK)
    html = editor_client.get(URL).content.decode()
    assert "Model says this." in html
    assert "And more." not in html
    assert "Fallback, newer." not in html
    assert "Extractive first line." in html


def test_it_warns_about_entries_featured_in_an_earlier_issue(editor_client, make_entry):
    entry = make_entry("Seen before")
    earlier = Issue.objects.create(title="October reading", month=datetime.date(2026, 10, 1))
    add_pick(earlier, entry)
    send(earlier)
    html = editor_client.get(URL).content.decode()
    assert "⚠ in “October reading” (October 2026)" in html
    detail = editor_client.get(reverse("admin:feeds_entry_change", args=[entry.pk]))
    assert "Already featured in “October reading — October 2026”." in detail.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"triage__exact": "shortlisted"}, ["Shortlisted post"]),
        ({"kind__exact": "paper"}, ["Paper with draft"]),
        ({"has_draft": "yes"}, ["Paper with draft"]),
        ({"has_draft": "no"}, ["Shortlisted post", "Featured post", "Old post"]),
        ({"featured": "yes"}, ["Featured post"]),
        ({"published_from": "2026-11-01", "published_to": "2026-11-30"}, ["Paper with draft", "Shortlisted post"]),
        ({"published_to": "2026-10-31"}, ["Featured post", "Old post"]),
        ({"q": "Hinton"}, ["Paper with draft"]),
        ({"q": "gradient noise"}, ["Shortlisted post"]),
        ({"q": "featured"}, ["Featured post"]),
    ],
)
def test_it_filters_and_searches(editor_client, make_entry, make_draft, arxiv_source, query, expected):
    def at(day: datetime.date):
        return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)

    paper = make_entry(
        "Paper with draft",
        source=arxiv_source,
        kind=Entry.Kind.PAPER,
        authors=["G. Hinton"],
        published_at=at(datetime.date(2026, 11, 20)),
    )
    make_draft(paper, "A draft.")
    make_entry(
        "Shortlisted post",
        triage=Entry.Triage.SHORTLISTED,
        abstract="On gradient noise.",
        published_at=at(datetime.date(2026, 11, 1)),
    )
    featured = make_entry("Featured post", published_at=at(datetime.date(2026, 10, 31)))
    make_entry("Old post", published_at=at(datetime.date(2026, 9, 2)))
    earlier = Issue.objects.create(title="October", month=datetime.date(2026, 10, 1))
    add_pick(earlier, featured)
    send(earlier)
    assert _titles(editor_client.get(URL, query)) == expected


def test_it_filters_by_source(editor_client, make_entry, arxiv_source):
    make_entry("Blog post")
    make_entry("arXiv paper", source=arxiv_source)
    assert _titles(editor_client.get(URL, {"source__id__exact": arxiv_source.pk})) == ["arXiv paper"]


def test_it_rejects_a_malformed_date_instead_of_ignoring_it(editor_client, make_entry):
    make_entry()
    response = editor_client.get(URL, {"published_from": "last tuesday"})
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


def test_it_shortlists_and_rejects_selected_entries(editor_client, make_entry):
    a, b, picked = make_entry(), make_entry(), make_entry(triage=Entry.Triage.PICKED)
    response = editor_client.post(URL, {"action": "shortlist_entries", "_selected_action": [a.pk, picked.pk]})
    assert response.status_code == 302
    editor_client.post(URL, {"action": "reject_entries", "_selected_action": [b.pk]})
    assert dict(Entry.objects.values_list("pk", "triage")) == {
        a.pk: "shortlisted",
        b.pk: "rejected",
        picked.pk: "picked",
    }
    messages = [str(m) for m in editor_client.get(URL).context["messages"]]
    assert messages == [
        "1 entry marked shortlisted.",
        "1 picked entry left as it is: remove it from its issue first.",
        "1 entry marked rejected.",
    ]


def test_it_asks_for_issue_and_section_then_adds_the_entries(editor_client, make_entry, issue):
    a, b = make_entry("First pick"), make_entry("Second pick")
    page = editor_client.post(URL, {"action": "add_to_issue", "_selected_action": [a.pk, b.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert "First pick" in html and "Second pick" in html
    section = issue.sections.get(title="Research updates")
    assert f'<option value="{section.pk}">Research updates</option>' in html
    assert not Pick.objects.exists()

    done = editor_client.post(
        URL,
        {"action": "add_to_issue", "_selected_action": [a.pk, b.pk], "apply": "yes", "section": section.pk},
        follow=True,
    )
    assert list(section.picks.order_by("position").values_list("title", "byline")) == [
        ("First pick", "Edna Editor"),
        ("Second pick", "Edna Editor"),
    ]
    assert "2 entries added to “Research updates”" in done.content.decode()


def test_it_warns_on_the_intermediate_page_about_earlier_features(editor_client, make_entry, issue):
    entry = make_entry("Featured again")
    earlier = Issue.objects.create(title="September reading", month=datetime.date(2026, 9, 1))
    add_pick(earlier, entry)
    send(earlier)
    page = editor_client.post(URL, {"action": "add_to_issue", "_selected_action": [entry.pk]})
    assert "already featured in “September reading”" in page.content.decode()


def test_it_does_not_offer_sections_of_sent_issues(editor_client, make_entry, issue):
    add_pick(issue)
    send(issue)
    fresh = Issue.objects.create(title="December", month=datetime.date(2026, 12, 1))
    entry = make_entry()
    page = editor_client.post(URL, {"action": "add_to_issue", "_selected_action": [entry.pk]})
    options = page.context["form"].fields["section"].choices
    offered = {pk for _, group in options for pk, _ in group}
    assert offered == set(fresh.sections.values_list("pk", flat=True))
    stale = editor_client.post(
        URL,
        {
            "action": "add_to_issue",
            "_selected_action": [entry.pk],
            "apply": "yes",
            "section": issue.sections.first().pk,
        },
    )
    assert stale.status_code == 200  # the form comes back with its error
    assert "Select a valid choice" in stale.content.decode()
    assert issue.picks.count() == 1
