"""An issue is named once, the same way everywhere: subject, feed, archive and page title."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from curator.editions import naming
from curator.editions.models import Issue
from curator.mailing.render import prepare_issue

pytestmark = pytest.mark.django_db

NOVEMBER = datetime.date(2026, 11, 1)
HOSTILE = "<b>Agents</b> & “tools” <script>alert(1)</script>"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Recommended reading", "Recommended Reading — November 2026"),
        ("RECOMMENDED READING", "Recommended Reading — November 2026"),
        ("Recommended Reading November 2026", "Recommended Reading — November 2026"),
        ("Recommended reading, November 2026", "Recommended Reading — November 2026"),
        ("November 2026: Recommended reading", "Recommended Reading — November 2026"),
        ("november 2026", "Recommended Reading — November 2026"),
        ("Recommended Reading: agents special", "Recommended Reading — agents special — November 2026"),
        ("Agents special, Nov 2026", "Recommended Reading — Agents special — November 2026"),
        ("Best of November 2026 in vision", "Recommended Reading — Best of November 2026 in vision"),
        ("Recommended readings", "Recommended Reading — Recommended readings — November 2026"),
        ("October reading", "Recommended Reading — October reading — November 2026"),
    ],
)
def test_it_says_the_site_name_and_the_month_once(title, expected):
    assert naming.display_name(title, NOVEMBER) == expected


def test_it_leaves_the_month_out_of_the_slug_when_the_title_has_it():
    issue = Issue.objects.create(title="Recommended reading November 2026", month=NOVEMBER)
    assert issue.slug == "2026-11-recommended-reading"
    again = Issue.objects.create(title="Recommended reading", month=NOVEMBER)
    assert again.slug == "2026-11-recommended-reading-2"
    assert Issue.objects.create(title="November 2026", month=NOVEMBER).slug == "2026-11"


def test_it_names_the_default_issue_in_the_subject():
    issue = Issue.objects.create(title="Recommended reading", month=NOVEMBER)
    assert prepare_issue(issue).subject == "Recommended Reading — November 2026"
    assert str(issue) == "November 2026"


def test_it_keeps_a_hostile_title_plain_in_the_subject_and_the_text_part():
    issue = Issue.objects.create(title=HOSTILE, month=NOVEMBER)
    prepared = prepare_issue(issue)
    assert prepared.subject == f"Recommended Reading — {HOSTILE} — November 2026"
    assert HOSTILE in prepared.text and "&lt;" not in prepared.text
    assert "<script>alert(1)" not in prepared.html and "&lt;script&gt;alert(1)" in prepared.html


def sent(title: str, month: datetime.date = NOVEMBER) -> Issue:
    issue = Issue.objects.create(title="placeholder", month=month)
    Issue.objects.filter(pk=issue.pk).update(title=title, status="sent", sent_at=timezone.now())
    issue.refresh_from_db()
    return issue


@pytest.mark.parametrize("feed", ["editions:feed_rss", "editions:feed_atom"])
def test_it_names_feed_items_without_repeating_the_month(client, feed):
    sent("Recommended reading November 2026")
    sent("recommended READING", datetime.date(2026, 10, 1))
    root = ET.fromstring(client.get(reverse(feed)).content)  # noqa: S314 - our own feed
    items = [el for el in root.iter() if el.tag.endswith(("item", "entry"))]
    titles = [next(c.text for c in item if c.tag.endswith("title")) for item in items]
    assert titles == ["Recommended Reading — November 2026", "Recommended Reading — October 2026"]


def test_it_lists_and_titles_issues_in_the_archive_with_the_month_once(client):
    issue = sent("Recommended reading November 2026")
    hostile = sent(HOSTILE, datetime.date(2026, 10, 1))
    archive = client.get(reverse("editions:archive")).content.decode()
    assert archive.count("November 2026") == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt; — October 2026</a>" in archive
    assert "<script>alert(1)" not in archive
    page = client.get(reverse("editions:issue", args=[issue.slug])).content.decode()
    assert "<title>Recommended Reading — November 2026</title>" in page
    assert "<h1>November 2026</h1>" in page
    assert "Recommended reading" not in page.split("<h1>", 1)[1].split("</h1>", 1)[0]
    hostile_page = client.get(reverse("editions:issue", args=[hostile.slug])).content.decode()
    assert "<script>alert(1)" not in hostile_page
