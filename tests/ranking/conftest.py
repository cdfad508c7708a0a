"""Entries on the demo topics, built through the real models; the real MiniLM embeds them."""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable

import pytest
from django.utils import timezone

from curator.feeds.models import Entry, Source
from curator.ranking.demo import read_demo_rows

_counter = itertools.count(1)
ROWS = read_demo_rows()


def topic(name: str, kind: str = "paper") -> list[dict]:
    return [row for row in ROWS if row["topic"] == name and row["kind"] == kind]


INTERPRETABILITY = topic("interpretability")
INFERENCE = topic("efficient inference")
ROBOTS = topic("robot locomotion")


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def source(db) -> Source:  # type: ignore[no-untyped-def]
    return Source.objects.create(name="Preprints", url="https://preprints.example/feed.xml", kind=Source.Kind.RSS)


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    def make(title: str | None = None, abstract: str = "", **fields: object) -> Entry:
        n = next(_counter)
        defaults: dict[str, object] = {
            "source": source,
            "guid": f"guid-{n}",
            "url": f"https://preprints.example/{n}",
            "title": title or f"Entry number {n}",
            "abstract": abstract,
            "published_at": timezone.now() - datetime.timedelta(hours=n),
        }
        return Entry.objects.create(**{**defaults, **fields})

    return make


@pytest.fixture
def from_rows(make_entry) -> Callable[..., list[Entry]]:  # type: ignore[no-untyped-def]
    """Entries from demo rows, with a triage status."""

    def make(rows: list[dict], triage: str = Entry.Triage.NEW) -> list[Entry]:
        return [make_entry(row["title"], row["abstract"], triage=triage) for row in rows]

    return make
