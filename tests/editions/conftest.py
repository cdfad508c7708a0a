"""Entries, drafts and issues for the editions tests, built through the real models."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
from django.utils import timezone

from curator.editions.models import Issue
from curator.feeds.models import Entry, Source
from summarizer.models import Draft

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    """The named users have passwords; the production hasher would spend a second on each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def source(db) -> Source:  # type: ignore[no-untyped-def]
    return Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml", kind=Source.Kind.RSS)


@pytest.fixture
def arxiv_source(db) -> Source:  # type: ignore[no-untyped-def]
    return Source.objects.create(name="arXiv cs.LG", url="https://export.arxiv.org/rss/cs.LG", kind=Source.Kind.ARXIV)


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    def make(title: str | None = None, **fields: object) -> Entry:
        n = next(_counter)
        defaults: dict[str, object] = {
            "source": source,
            "guid": f"guid-{n}",
            "url": f"https://lab.example.org/posts/{n}",
            "title": title or f"Entry number {n}",
            "published_at": timezone.now() - datetime.timedelta(hours=n),
            "abstract": f"Abstract of entry {n}.",
        }
        return Entry.objects.create(**{**defaults, **fields})

    return make


@pytest.fixture
def make_draft() -> Callable[..., Draft]:
    def make(entry: Entry, text: str, engine: str = Draft.Engine.MODEL, **fields: object) -> Draft:
        return Draft.objects.create(entry=entry, text=text, engine=engine, **fields)

    return make


@pytest.fixture
def issue(db) -> Issue:  # type: ignore[no-untyped-def]
    return Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 1))
