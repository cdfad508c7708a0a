"""Entries, drafts and issues for the editions tests, built through the real models."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from curator.editions.models import Issue
from curator.feeds.models import Entry, Source
from summarizer.models import Draft


@pytest.fixture
def source(db) -> Source:
    return Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml", kind=Source.Kind.RSS)


@pytest.fixture
def arxiv_source(db) -> Source:
    return Source.objects.create(name="arXiv cs.LG", url="https://export.arxiv.org/rss/cs.LG", kind=Source.Kind.ARXIV)


@pytest.fixture
def entry_defaults() -> Callable[[int], dict[str, object]]:
    return lambda n: {"abstract": f"Abstract of entry {n}."}


@pytest.fixture
def make_draft() -> Callable[..., Draft]:
    def make(entry: Entry, text: str, engine: str = Draft.Engine.MODEL, **fields: object) -> Draft:
        return Draft.objects.create(entry=entry, text=text, engine=engine, **fields)

    return make


@pytest.fixture
def issue(db) -> Issue:
    return Issue.objects.create(title="Recommended reading", month=datetime.date(2026, 11, 1))
