"""The public search page, the editors' search and "have we covered this?" through real requests."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from curator.editions.models import Pick
from curator.feeds.models import Entry
from curator.ranking.demo import read_demo_rows
from curator.search.covered import close_picks

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
ODD = ["", " ", "x" * 5000, "%%%", "' OR 1=1 --", "<img src=x onerror=alert(1)>", "a\x00b", "\u202e", "q=1&page=-4"]


@pytest.mark.parametrize("query", ODD)
def test_every_odd_query_answers_200_with_a_page(client, make_entry, make_issue, query):
    make_issue(MARCH, [make_entry("Heron flight", "Birds.")])
    response = client.get(reverse("search:search"), {"q": query, "page": "zzz"})
    assert response.status_code == 200
    assert b"Search past issues" in response.content
    assert b"<img src=x" not in response.content


def test_results_are_grouped_by_issue_with_byline_snippet_and_anchor(client, make_entry, make_issue):
    march = make_issue(MARCH, [make_entry("Heron flight dynamics", "How a heron folds its wings.")], byline="Chris")
    april = make_issue(APRIL, [make_entry("Heron nests and sensors", "Cameras in heron nests.")], byline="Ana")
    make_issue(datetime.date(2026, 5, 1), [make_entry("Heron draft only", "Draft.")], sent=False)

    response = client.get(reverse("search:search"), {"q": "heron"})

    html = response.content.decode()
    for issue in (march, april):
        pick = Pick.objects.get(issue=issue)
        assert f'href="/issues/{issue.slug}/#pick-{pick.pk}"' in html
        assert issue.short_name in html
    assert "— Chris" in html and "— Ana" in html
    assert "<mark>Heron</mark>" in html or "<mark>heron</mark>" in html
    assert "Heron draft only" not in html
    issue_page = client.get(reverse("editions:issue", args=[march.slug])).content.decode()
    assert f'id="pick-{Pick.objects.get(issue=march).pk}"' in issue_page
    assert 'action="/search/"' in issue_page
    assert 'action="/search/"' in client.get(reverse("editions:archive")).content.decode()


def test_results_are_paginated(client, settings, make_entry, make_issue):
    settings.SEARCH_PAGE_SIZE = 2
    make_issue(MARCH, [make_entry(f"Egret study {n}", "Egrets.") for n in range(5)])

    first = client.get(reverse("search:search"), {"q": "egret"}).content.decode()
    third = client.get(reverse("search:search"), {"q": "egret", "page": "3"}).content.decode()

    assert "Page 1 of 3" in first and "page=2" in first
    assert "Page 3 of 3" in third and third.count('class="pick search-hit"') == 1


def test_public_search_is_rate_limited_per_visitor(client, settings, make_entry, make_issue):
    settings.SEARCH_PER_IP_MINUTE = 2
    make_issue(MARCH, [make_entry("Ibis", "Birds.")])
    codes = [client.get(reverse("search:search"), {"q": "ibis"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(reverse("search:search")).status_code == 200  # the empty form costs nothing


def test_editors_see_each_hit_marked(editor_client, make_entry, make_issue):
    picked = make_entry("Kingfisher diving model", "Dives.")
    make_issue(MARCH, [picked], byline="Chris")
    make_entry("Kingfisher plumage colours", "Rejected one.", triage=Entry.Triage.REJECTED)
    make_issue(APRIL, [make_entry("Kingfisher nest cameras", "Drafted.")], sent=False)

    response = editor_client.get(reverse("admin:search"), {"q": "kingfisher"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "picked in March 2026 by Chris" in html
    assert "rejected" in html
    assert "in this month&#x27;s draft" in html or "in this month's draft" in html
    assert 'id="header-search-q"' in html


def test_staff_without_the_right_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="pw-visitor-1", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:search"), {"q": "x"}).status_code == 403


def test_have_we_covered_this_finds_the_close_past_pick(editor_client, make_entry, make_issue, embedded):
    rows = [row for row in read_demo_rows() if row["topic"] == "robot locomotion"][:4]
    past = [make_entry(row["title"], row["abstract"]) for row in rows[:3]]
    make_issue(MARCH, past)
    new = make_entry("Quadruped robots learning to run on slippery ice in simulation", rows[0]["abstract"][:120])
    embedded()

    close = close_picks([new.pk])[new.pk]

    assert close and close[0].title == past[0].title
    assert close[0].label.startswith("Close to a pick of March 2026: ")
    page = editor_client.get(reverse("admin:feeds_entry_change", args=[new.pk])).content.decode()
    assert "Have we covered this?" in page and "Close to a pick of March 2026" in page
    desk = editor_client.get(reverse("admin:feeds_entry_desk_entry", args=[new.pk])).content.decode()
    assert "Close to a pick of March 2026" in desk


def test_have_we_covered_this_costs_the_same_queries_for_a_bigger_archive(make_entry, make_issue, embedded):
    make_issue(MARCH, [make_entry(f"Plover paper {n}", f"Shorebird study number {n}.") for n in range(3)])
    probe = make_entry("Plover paper", "Shorebird study number 7.")
    embedded()
    close_picks([probe.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        close_picks([probe.pk])
    make_issue(APRIL, [make_entry(f"Sandpiper paper {n}", f"Shorebird work {n}.") for n in range(12)])
    embedded()
    close_picks([probe.pk])
    with CaptureQueriesContext(connection) as large:
        close_picks([probe.pk])
    assert close_picks([probe.pk])[probe.pk]  # both sizes found close picks, so both ran every query
    assert len(small) == len(large)
