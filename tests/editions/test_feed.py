import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from curator.editions.models import Issue
from tests.factories import add_pick, send

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def issues(db):
    october = Issue.objects.create(title="October reading", month=datetime.date(2026, 10, 1))
    add_pick(october, None, title="On tokenizers", blurb="Byte-level **wins**.")
    send(october)
    november = Issue.objects.create(title="November reading", month=datetime.date(2026, 11, 1))
    add_pick(november, None, title="Draft-only pick")
    return october, november


def test_it_publishes_sent_issues_as_atom_with_full_content(client, issues):
    october, _ = issues
    response = client.get(reverse("editions:feed_atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Recommended Reading — October reading — October 2026"]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(reverse("editions:issue", args=[october.slug]))
    summary = entries[0].findtext(f"{ATOM}summary")
    assert "On tokenizers" in summary and "<strong>wins</strong>" in summary
    assert "Draft-only pick" not in response.content.decode()


def test_it_publishes_rss_too_and_is_cacheable(client, issues):
    response = client.get(reverse("editions:feed_rss"))
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed, not untrusted input
    assert [i.findtext("title") for i in root.iter("item")] == ["Recommended Reading — October reading — October 2026"]
    assert "public" in response["Cache-Control"]
    assert client.get(reverse("editions:feed_rss"), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
