"""The byline links to the writer's page in the email and on the issue page: http(s) only, escaped."""

from __future__ import annotations

import pytest

from curator.editions.content import issue_content
from curator.mailing.models import Subscriber
from curator.mailing.render import render_issue
from curator.team.models import Assignment, Member

pytestmark = pytest.mark.django_db


def signed_pick(make_pick, user, link: str, member_link: str = ""):
    pick = make_pick(byline="Chris", blurb="Worth a read.")
    Member.objects.update_or_create(user=user, defaults={"link": member_link})
    Assignment.objects.update_or_create(pick=pick, defaults={"writer": user, "byline_link": link, "state": "approved"})
    return pick


def test_the_email_links_the_byline_and_the_text_keeps_the_name(issue, make_pick, contributor):
    signed_pick(make_pick, contributor, "https://example.org/chris?a=1&b=2")
    _, html, text = render_issue(issue, Subscriber(email="r@example.org", name="R"))
    assert 'href="https://example.org/chris?a=1&amp;b=2"' in html
    assert "— Chris" in text


def test_the_members_link_is_used_when_the_pick_has_none(issue, make_pick, contributor):
    signed_pick(make_pick, contributor, "", member_link="https://example.org/me")
    [section] = issue_content(issue).sections
    assert section.picks[0].byline_url == "https://example.org/me"


@pytest.mark.parametrize(
    "hostile",
    ["javascript:alert(1)", 'https://x.org/"><script>alert(1)</script>', "data:text/html,hi", " JaVaScRiPt:x"],
)
def test_hostile_links_are_dropped_or_escaped(issue, make_pick, contributor, hostile):
    signed_pick(make_pick, contributor, hostile)
    _, html, _ = render_issue(issue, Subscriber(email="r@example.org", name="R"))
    # A quote cannot close the attribute (escaped as &quot;), so the rest stays inside href.
    assert "javascript:" not in html.lower() and '"><script' not in html and "data:text" not in html
    assert "Chris" in html


@pytest.mark.parametrize("link", ["https://example.org/chris", 'javascript:alert("x")'])
def test_the_archive_issue_body_links_the_byline_only_for_web_links(issue, make_pick, contributor, link):
    from django.template.loader import render_to_string

    signed_pick(make_pick, contributor, link)
    html = render_to_string("editions/_issue_body.html", {"content": issue_content(issue)})
    assert ('href="https://example.org/chris"' in html) == link.startswith("https")
    assert "javascript:" not in html and "Chris</" in html
