"""The profile page (own byline only, bookmarklet), the suggest page and the desk's order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.feeds.models import Entry
from curator.team.models import Member, Suggestion

pytestmark = pytest.mark.django_db


def test_a_member_edits_only_their_own_byline(client, contributor, other_contributor):
    client.force_login(contributor)
    response = client.post(
        reverse("admin:team_profile"),
        {
            "display_name": "Chris",
            "link": "https://chris.example.org/",
            "voice_drafts": "on",
            "user": other_contributor.pk,
        },
    )
    assert response.status_code == 302
    member = Member.objects.get()
    assert (member.user, member.byline, member.link, member.voice_drafts) == (
        contributor,
        "Chris",
        "https://chris.example.org/",
        True,
    )
    page = client.get(reverse("admin:team_profile")).content.decode()
    assert 'id="team-bookmarklet-link"' in page and "javascript:" not in page
    assert 'data-suggest-url="http://testserver/admin/team/suggestion/suggest/"' in page


def test_the_bookmarklet_target_is_prefilled_and_posting_needs_the_csrf_token(contributor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(contributor)
    page = strict.get(reverse("admin:team_suggest"), {"url": "https://example.org/a", "title": "A page"})
    html = page.content.decode()
    assert 'value="https://example.org/a"' in html and "A page" in html
    assert strict.post(reverse("admin:team_suggest"), {"url": "https://example.org/a"}).status_code == 403
    assert not Suggestion.objects.exists()


def test_refused_input_on_the_page_says_one_line_and_keeps_nothing(client, contributor):
    client.force_login(contributor)
    response = client.post(reverse("admin:team_suggest"), {"url": "http://169.254.169.254/", "note": "x"})
    assert response.status_code == 400
    assert "169.254.169.254" in response.content.decode()
    desk = reverse("admin:feeds_entry_desk")
    response = client.post(reverse("admin:team_suggest"), {"url": "ftp://example.org/", "next": desk}, follow=True)
    assert "Nothing suggested: Not fetched: only http and https" in response.content.decode()
    assert not Entry.objects.exists()


def test_suggested_entries_come_first_on_the_desk_with_the_note(client, editor, contributor, make_entry):
    from curator.team import suggest

    first, second = make_entry(title="Ranked first"), make_entry(title="A colleague's find")
    Member.objects.create(user=contributor, display_name="Keita")
    suggest(second.url, contributor, "why the team should read it")
    client.force_login(editor)
    page = client.get(reverse("admin:feeds_entry_desk"), {"scope": "all"}).content.decode()
    assert page.index("A colleague&#x27;s find") < page.index("Ranked first")
    assert "suggested by Keita" in page
    assert "Suggested by Keita: why the team should read it" in page
    assert first.pk


def test_the_dashboard_has_the_suggest_box(client, contributor):
    client.force_login(contributor)
    page = client.get(reverse("admin:index")).content.decode()
    assert 'id="card-team"' in page and 'name="url"' in page


def test_the_entry_list_shows_who_suggested_and_who_voted(client, editor, contributor, make_entry):
    from curator.team import suggest
    from curator.team.votes import toggle_vote

    entry = make_entry(title="Voted on")
    suggest(entry.url, contributor, "note")
    toggle_vote(entry.pk, contributor)
    toggle_vote(entry.pk, editor)
    client.force_login(editor)
    page = client.get(reverse("admin:feeds_entry_changelist")).content.decode()
    assert "suggested by Chris; +1 Chris, Edna" in page
