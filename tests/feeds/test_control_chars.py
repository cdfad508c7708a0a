"""NUL and other control characters in a feed: stored without them, nothing lost.

PostgreSQL refuses NUL in text and jsonb columns, so one such byte would otherwise fail the
whole source's store.
"""

from __future__ import annotations

import re

import pytest

from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def test_it_stores_the_entry_without_control_characters(make_source):
    source = make_source("control_chars.xml", fetch_full_text=False)
    result = ingest_source(source)
    assert result.new == 1, result
    entry = Entry.objects.get()
    assert "Null" in entry.title and "title" in entry.title
    assert "NUL" in entry.abstract
    for field in ("title", "guid", "abstract", "content_html", "url"):
        assert not CONTROL.search(getattr(entry, field)), field
    for field in ("authors", "tags", "categories"):
        assert not any(CONTROL.search(value) for value in getattr(entry, field)), field
    assert ingest_source(source).new == 0  # the cleaned guid is stable across runs
