"""The pick cards on the issue page carry the last link check's word: dead, redirected, slow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.editions.models import Issue, LinkCheck, Pick

pytestmark = pytest.mark.django_db

HOSTILE = 'https://evil.example/"><script>alert(1)</script>'


def card_head(page: str, pick: Pick) -> str:
    """The heading of one pick's card: what an editor sees even while the card is folded."""
    start = page.index(f'id="pick-{pick.pk}"')
    return page[start : page.index("</h3>", start)]


def issue_page(client, issue: Issue) -> str:
    response = client.get(reverse("admin:editions_issue_change", args=[issue.pk]))
    assert response.status_code == 200
    return response.content.decode()


def checked(pick: Pick, **fields: object) -> LinkCheck:
    return LinkCheck.objects.create(pick=pick, url=pick.url, **fields)


def test_it_marks_only_the_dead_links_card(editor_client, issue, make_pick):
    dead, fine, unchecked = make_pick(), make_pick(), make_pick()
    checked(dead, ok=False, status=404)
    checked(fine, ok=True, status=200, elapsed=0.1)
    page = issue_page(editor_client, issue)
    assert 'class="pick-badge pick-badge-dead" title="HTTP 404">dead link</span>' in card_head(page, dead)
    assert "pick-badge" not in card_head(page, fine)
    assert "pick-badge" not in card_head(page, unchecked)


def test_it_names_a_redirects_final_address_and_a_slow_link(editor_client, issue, make_pick, settings):
    settings.TEAM_LINKCHECK_SLOW_SECONDS = 2.0
    moved, slow = make_pick(), make_pick()
    checked(moved, ok=True, status=200, final_url="https://new.example/paper", elapsed=0.2)
    checked(slow, ok=True, status=200, elapsed=3.25)
    page = issue_page(editor_client, issue)
    assert "redirects to https://new.example/paper" in card_head(page, moved)
    assert "slow link (3.2 s)" in card_head(page, slow)
    assert "pick-badge-slow" not in card_head(page, moved) and "pick-badge-redirect" not in card_head(page, slow)


def test_a_link_edited_after_its_check_loses_the_badge(editor_client, issue, make_pick):
    pick = make_pick()
    checked(pick, ok=False, status=500)
    Pick.objects.filter(pk=pick.pk).update(url="https://lab.example.org/fixed")
    assert "pick-badge" not in card_head(issue_page(editor_client, issue), pick)


def test_a_hostile_address_or_error_stays_escaped(editor_client, issue, make_pick):
    moved, dead = make_pick(), make_pick()
    checked(moved, ok=True, status=200, final_url=HOSTILE)
    checked(dead, ok=False, error='refused: "><img src=x onerror=alert(2)>')
    page = issue_page(editor_client, issue)
    assert "redirects to https://evil.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in card_head(page, moved)
    assert 'title="refused: &quot;&gt;&lt;img src=x onerror=alert(2)&gt;"' in card_head(page, dead)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
