"""Feed item titles are plain text: readers that show an RSS title as HTML get no markup from us."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from curator.editions.models import Issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("feed", ["editions:feed_rss", "editions:feed_atom"])
def test_it_strips_markup_from_titles(client, feed):
    issue = Issue.objects.create(title="Issue", month=datetime.date(2026, 1, 1))
    Issue.objects.filter(pk=issue.pk).update(
        title="Deep <img src=x onerror=alert(1)>nets<script>alert(2)</script>", status="sent", sent_at=timezone.now()
    )
    root = ET.fromstring(client.get(reverse(feed)).content)  # noqa: S314 - our own feed
    titles = [el.text for el in root.iter() if el.tag.endswith("title") and "Deep" in (el.text or "")]
    assert titles == ["Recommended Reading — Deep nets — January 2026"]
