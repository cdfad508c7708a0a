"""Entries, picks and issues for the search tests, built through the real models and the real MiniLM."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.utils import timezone

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from curator.ranking import embed


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    """Search requests are rate limited per address; one test's requests must not count against the next."""
    cache.clear()


@pytest.fixture
def make_issue(db) -> Callable[..., Issue]:
    def make(
        month: datetime.date, entries: list[Entry] = (), sent: bool = True, byline: str = "Chris", **picks_extra: object
    ) -> Issue:
        issue = Issue.objects.create(title="Recommended Reading", month=month)
        section = issue.sections.first()
        for position, entry in enumerate(entries):
            Pick.objects.create(
                issue=issue,
                section=section,
                entry=entry,
                title=entry.title,
                url=entry.url,
                blurb=str(picks_extra.get("blurb", f"Why we liked it: {entry.abstract[:80]}")),
                byline=byline,
                position=position,
            )
        if sent:
            Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.SENT, sent_at=timezone.now())
            issue.refresh_from_db()
        return issue

    return make


@pytest.fixture
def embedded() -> Callable[[], None]:
    """Embed every entry with the bundled MiniLM, as the ranking worker does after an ingest."""
    return lambda: embed.embed_entries()
