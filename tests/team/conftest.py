"""Members in each role, an issue with picks, local HTTP servers (suggestions, link checks), the SMTP server."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest
from django.core.cache import cache

from curator.editions.models import Issue, Pick
from curator.feeds.fetch import limiter
from curator.feeds.models import Entry, Source
from tests.factories import create_member
from tests.support.http_server import FixtureServer


@pytest.fixture(autouse=True)
def _team_settings(link_check_settings: None) -> None:
    """The fetcher refuses loopback; the tests allow exactly the test server's address."""


@pytest.fixture(autouse=True)
def _no_drafting_on_new_entries(without_entries_created_receivers: None) -> None:
    """Eager tasks would draft every suggested entry inside the test; drafting is the summarizer's to test."""


@pytest.fixture
def page_server(settings) -> Iterator[FixtureServer]:
    """Serves tests/fixtures/feeds; the fetcher may reach exactly its address, as in the feed tests."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    limiter.reset()
    server = FixtureServer()
    settings.TEAM_ARXIV_API_URL = server.url("arxiv/query")
    yield server
    server.close()
    limiter.reset()


@pytest.fixture
def contributor(django_user_model):
    return create_member(django_user_model, "chris", "Contributor", "Chris")


@pytest.fixture
def other_contributor(django_user_model):
    return create_member(django_user_model, "keita", "Contributor", "Keita")


@pytest.fixture
def source(db) -> Source:
    return Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")


@pytest.fixture
def entry_defaults() -> Callable[[int], dict[str, object]]:
    return lambda n: {"title": f"Post {n}", "canonical_url": f"https://lab.example.org/posts/{n}"}


@pytest.fixture
def issue(db) -> Issue:
    return Issue.objects.create(title="Recommended Reading", month=datetime.date(2026, 12, 1))


@pytest.fixture
def make_pick(issue: Issue, make_entry: Callable[..., Entry]) -> Callable[..., Pick]:
    def make(**fields: object) -> Pick:
        entry = make_entry()
        values: dict[str, object] = {
            "issue": issue,
            "section": issue.sections.first(),
            "entry": entry,
            "title": entry.title,
            "url": entry.url,
        }
        return Pick.objects.create(**{**values, **fields})

    return make


@pytest.fixture(autouse=True)
def _mail(mail_settings: None) -> None:
    """Reminders and digests go through the shared mailing settings, with no cached limits from earlier tests."""
    cache.clear()
