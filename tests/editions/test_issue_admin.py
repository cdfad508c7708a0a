"""Assembling an issue on its admin page."""

import datetime

import pytest
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from tests.factories import add_pick, send
from tests.support.forms import change_form_data, inline_prefix

pytestmark = pytest.mark.django_db


def _url(issue: Issue) -> str:
    return reverse("admin:editions_issue_change", args=[issue.pk])


@pytest.fixture
def assembled(issue, make_entry, make_draft, editor):
    entries = [make_entry("Alpha"), make_entry("Beta"), make_entry("Gamma")]
    make_draft(entries[0], "First model draft of alpha.")
    make_draft(entries[0], "Second model draft of alpha.")
    workflow.add_entries_to_issue(entries, issue, issue.sections.get(title="Recommended reading"), editor)
    return issue


def test_it_creates_an_issue_with_default_sections_and_opens_it(editor_client, editor):
    response = editor_client.post(
        reverse("admin:editions_issue_add"),
        {"title": "Recommended reading", "month": "2026-12", "intro": "Hello *all*.", "_continue": "Save"},
    )
    issue = Issue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(issue)
    assert (issue.slug, issue.month, issue.created_by) == (
        "2026-12-recommended-reading",
        datetime.date(2026, 12, 1),
        editor,
    )
    assert issue.sections.count() == 5
    page = editor_client.get(_url(issue)).content.decode()
    assert "<p>Hello <em>all</em>.</p>" in page  # the intro as readers will see it


def test_it_shows_drafts_beside_the_blurb_and_uses_one_in_a_click(editor_client, assembled):
    pick = assembled.picks.get(title="Alpha")
    page = editor_client.get(_url(assembled))
    html = page.content.decode()
    assert "First model draft of alpha." in html and "Second model draft of alpha." in html
    first_draft = pick.entry.drafts.get(text="First model draft of alpha.")

    data = change_form_data(page)
    prefix = inline_prefix(page, "pick")
    index = next(i for i in range(3) if data[f"{prefix}-{i}-id"] == pick.pk)
    beta_index = next(i for i in range(3) if data[f"{prefix}-{i}-title"] == "Beta")
    data[f"{prefix}-{beta_index}-blurb"] = "Beta, edited by hand."
    data["_use_draft"] = f"{pick.pk}:{first_draft.pk}"
    assert index is not None
    response = editor_client.post(_url(assembled), data)
    assert response.status_code == 302
    assert response["Location"] == f"{_url(assembled)}#pick-{pick.pk}"  # back at the pick, not the page top
    assert dict(assembled.picks.values_list("title", "blurb")) == {
        "Alpha": "First model draft of alpha.",
        "Beta": "Beta, edited by hand.",  # pending edits are saved, not lost
        "Gamma": "",
    }


def test_it_reorders_with_the_up_and_down_buttons(editor_client, assembled):
    gamma = assembled.picks.get(title="Gamma")
    page = editor_client.get(_url(assembled))
    assert f'name="_move" value="pick:{gamma.pk}:up"' in page.content.decode()
    data = {**change_form_data(page), "_move": f"pick:{gamma.pk}:up"}
    assert editor_client.post(_url(assembled), data).status_code == 302
    assert list(Pick.objects.filter(issue=assembled).values_list("title", flat=True)) == ["Alpha", "Gamma", "Beta"]

    updates = assembled.sections.get(title="Updates")
    data = {**change_form_data(editor_client.get(_url(assembled))), "_move": f"section:{updates.pk}:up"}
    editor_client.post(_url(assembled), data)
    assert list(assembled.sections.values_list("title", flat=True))[-2:] == ["Updates", "Livestreams"]


def test_it_ignores_a_move_of_a_pick_from_another_issue(editor_client, assembled, make_entry):
    other = Issue.objects.create(title="Other", month=datetime.date(2027, 1, 1))
    stranger = add_pick(other, make_entry())
    data = {**change_form_data(editor_client.get(_url(assembled))), "_move": f"pick:{stranger.pk}:down"}
    assert editor_client.post(_url(assembled), data).status_code == 404


def test_it_adds_a_hand_written_link_at_the_end_signed_by_the_editor(editor_client, assembled):
    page = editor_client.get(_url(assembled))
    data = change_form_data(page)
    prefix = inline_prefix(page, "pick")
    section = assembled.sections.get(title="Recommended reading")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "4",
            f"{prefix}-3-section": section.pk,
            f"{prefix}-3-title": "A talk worth watching",
            f"{prefix}-3-url": "https://talks.example.org/42",
            f"{prefix}-3-blurb": "Forty minutes well spent.",
            "_continue": "Save",
        }
    )
    assert editor_client.post(_url(assembled), data).status_code == 302
    added = Pick.objects.get(title="A talk worth watching")
    assert (added.byline, added.entry, added.position) == ("Edna Editor", None, 3)


def test_it_offers_the_editors_name_as_the_byline_of_a_new_pick(editor_client, assembled):
    page = editor_client.get(_url(assembled))
    empty = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Pick).formset.empty_form
    assert empty["byline"].value() == "Edna Editor"


def test_it_puts_the_entry_back_on_the_shortlist_when_its_pick_is_deleted(editor_client, assembled):
    page = editor_client.get(_url(assembled))
    data = change_form_data(page)
    prefix = inline_prefix(page, "pick")
    beta = assembled.picks.get(title="Beta")
    index = next(i for i in range(3) if data[f"{prefix}-{i}-id"] == beta.pk)
    data[f"{prefix}-{index}-DELETE"] = "on"
    data["_continue"] = "Save"
    assert editor_client.post(_url(assembled), data).status_code == 302
    assert not Pick.objects.filter(pk=beta.pk).exists()
    assert Entry.objects.get(title="Beta").triage == Entry.Triage.SHORTLISTED


def test_it_marks_ready_only_with_picks(editor_client, issue, make_entry, editor):
    status_url = reverse("admin:editions_issue_status", args=[issue.pk])
    response = editor_client.post(status_url, {"target": "ready"}, follow=True)
    assert "has no picks yet" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == "draft"

    workflow.add_entries_to_issue([make_entry()], issue, issue.sections.first(), editor)
    editor_client.post(status_url, {"target": "ready"})
    issue.refresh_from_db()
    assert issue.status == "ready"
    page = editor_client.get(_url(issue)).content.decode()
    assert 'id="back-to-draft"' in page
    assert "View on site" not in page  # not public before it is sent


def test_it_refuses_to_start_sending_from_the_status_button(client, publisher, assembled):
    client.force_login(publisher)
    workflow.transition(assembled, "ready")
    response = client.post(reverse("admin:editions_issue_status", args=[assembled.pk]), {"target": "sending"})
    assert response.status_code == 403
    assembled.refresh_from_db()
    assert assembled.status == "ready"


def test_it_shows_a_sent_issue_read_only_and_refuses_changes(editor_client, assembled):
    send(assembled)
    page = editor_client.get(_url(assembled))
    html = page.content.decode()
    assert page.status_code == 200
    assert "it is read-only" in html
    assert 'name="_move"' not in html and "Use this draft" not in html and 'name="title"' not in html
    assert f'href="{reverse("editions:issue", args=[assembled.slug])}"' in html  # "view on site"
    response = editor_client.post(_url(assembled), {"title": "Rewritten", "month": "2026-11"})
    assert response.status_code == 403
    assert (
        editor_client.post(reverse("admin:editions_issue_delete", args=[assembled.pk]), {"post": "yes"}).status_code
        == 403
    )
    assembled.refresh_from_db()
    assert assembled.title == "Recommended reading"


def test_it_marks_issues_ready_in_bulk_and_names_the_empty_ones(editor_client, assembled):
    empty = Issue.objects.create(title="Empty one", month=datetime.date(2027, 1, 1))
    response = editor_client.post(
        reverse("admin:editions_issue_changelist"),
        {"action": "mark_ready", "_selected_action": [assembled.pk, empty.pk]},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "“November 2026” is now ready." in messages
    assert "“Empty one — January 2027” has no picks yet: add some before marking it ready." in messages
    assert dict(Issue.objects.values_list("title", "status")) == {"Recommended reading": "ready", "Empty one": "draft"}
