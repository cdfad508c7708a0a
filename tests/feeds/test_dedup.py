"""Deduplication without fetching: parsed items straight into `dedup.store_entries`."""

from __future__ import annotations

import pytest
from django.utils import timezone

from curator.feeds import dedup
from curator.feeds.models import Entry, Sighting, Source
from curator.feeds.parse import ParsedEntry

pytestmark = pytest.mark.django_db


def paper(version: int, title: str, link: str = "https://arxiv.org/abs/2610.01001") -> ParsedEntry:
    return ParsedEntry(guid="arxiv:2610.01001", link=link, title=title, arxiv_id="2610.01001", arxiv_version=version)


def store(source: Source, *items: ParsedEntry) -> dedup.Tally:
    return dedup.store_entries([(source, dedup.FeedItems(list(items)))], timezone.now())[source.pk]


def test_it_collapses_one_paper_from_two_sources_onto_one_entry():
    api = Source.objects.create(name="API", url="https://export.arxiv.org/api/query")
    listing = Source.objects.create(name="Listing", url="https://rss.arxiv.org/rss/cs.LG")
    assert store(api, paper(1, "First")).new == 1
    second = store(listing, paper(1, "First", link="http://www.arxiv.org/abs/2610.01001?utm_source=x"))
    assert (second.new, second.unchanged) == (0, 1)
    assert Entry.objects.count() == 1
    assert Sighting.objects.count() == 2


def test_it_never_lets_an_older_version_overwrite_a_newer_one():
    api = Source.objects.create(name="API", url="https://export.arxiv.org/api/query")
    listing = Source.objects.create(name="Listing", url="https://rss.arxiv.org/rss/cs.LG")
    store(api, paper(2, "Second version"))
    assert store(listing, paper(1, "First version")).updated == 0
    assert Entry.objects.get().title == "Second version"
    assert store(listing, paper(3, "Third version")).updated == 1
    assert Entry.objects.get().title == "Third version"
