"""The public archive: sent issues only, same content as the email, cacheable."""

import datetime
import re

import pytest
from django.urls import reverse

from curator.editions import workflow
from curator.editions.models import Issue
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(issue, make_entry, editor):
    issue.intro = "Welcome to the **November** issue."
    issue.sign_off = "Until next month."
    issue.save(update_fields=["intro", "sign_off"])
    entry = make_entry("Scaling laws, again")
    workflow.add_entries_to_issue([entry], issue, issue.sections.get(title="Research updates"), editor)
    issue.picks.update(blurb="Why the *exponent* matters. <script>alert(1)</script>")
    add_pick(
        issue, None, title="A livestream on evaluation", url="https://video.example.org/7", section_title="Livestreams"
    )
    return send(issue)


def test_it_lists_sent_issues_only(client, sent):
    draft = Issue.objects.create(title="Unfinished December", month=datetime.date(2026, 12, 1))
    html = client.get(reverse("editions:archive")).content.decode()
    assert reverse("editions:issue", args=[sent.slug]) in html
    assert draft.title not in html


def test_it_shows_the_issue_with_the_same_content_as_the_email(client, sent):
    response = client.get(reverse("editions:issue", args=[sent.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Welcome to the <strong>November</strong> issue.</p>" in html
    assert html.index("Research updates") < html.index("Livestreams")
    assert '<a href="https://lab.example.org/posts/' in html
    assert "<p>Why the <em>exponent</em> matters. </p>" in html  # the email's sanitizer dropped the script
    assert "— Edna Editor" in html
    assert "Until next month." in html
    assert "<h2>Feature</h2>" not in html  # empty sections are not shown
    assert "<script" not in html


@pytest.mark.parametrize("status", [Issue.Status.DRAFT, Issue.Status.READY, Issue.Status.SENDING])
def test_it_returns_404_for_issues_not_sent_yet(client, issue, status):
    add_pick(issue)
    Issue.objects.filter(pk=issue.pk).update(status=status)
    assert client.get(reverse("editions:issue", args=[issue.slug])).status_code == 404


def test_it_is_cacheable_and_answers_conditional_requests(client, sent):
    url = reverse("editions:issue", args=[sent.slug])
    first = client.get(url)
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    assert first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    listing = client.get(reverse("editions:archive"))
    assert client.get(reverse("editions:archive"), HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_its_pages_carry_no_per_visitor_state_so_shared_caches_can_keep_them(client, sent):
    for url in (reverse("editions:archive"), reverse("editions:issue", args=[sent.slug])):
        response = client.get(url)
        assert b'class="subscribe-form"' in response.content
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies  # no csrftoken, no session
        assert b"csrfmiddlewaretoken" not in response.content


def test_it_changes_the_list_etag_when_another_issue_is_sent(client, sent, make_entry, editor):
    before = client.get(reverse("editions:archive"))["ETag"]
    december = Issue.objects.create(title="December reading", month=datetime.date(2026, 12, 1))
    workflow.add_entries_to_issue([make_entry()], december, december.sections.first(), editor)
    send(december)
    response = client.get(reverse("editions:archive"), HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert "December reading" in response.content.decode()


def test_it_works_without_javascript(client, sent):
    for url in (reverse("editions:archive"), reverse("editions:issue", args=[sent.slug])):
        assert "<script" not in client.get(url).content.decode()


def test_it_names_the_site_from_settings(client, sent, settings):
    settings.SITE_NAME = "The Lab Letter"
    html = client.get(reverse("editions:issue", args=[sent.slug])).content.decode()
    assert "<title>The Lab Letter — Recommended reading — November 2026</title>" in html


def test_the_front_page_says_what_the_newsletter_is_and_opens_each_issue(client, sent, settings):
    settings.SITE_DESCRIPTION = "Papers our lab liked this month."
    Issue.objects.filter(pk=sent.pk).update(intro="Welcome to the **November** issue. " + "More words. " * 40)
    html = client.get(reverse("editions:archive")).content.decode()
    assert '<p class="site-description">Papers our lab liked this month.</p>' in html
    (teaser,) = re.findall(r'<p class="teaser">([^<]*)</p>', html)
    assert teaser.startswith("Welcome to the November issue.")  # plain text: no Markdown marks, no tags
    assert teaser.endswith("…") and len(teaser) <= 280


def test_a_new_description_is_not_answered_with_a_304(client, sent, settings):
    first = client.get(reverse("editions:archive"))
    settings.SITE_DESCRIPTION = "Something else entirely."
    again = client.get(reverse("editions:archive"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and b"Something else entirely." in again.content
