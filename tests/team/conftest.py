"""Members in each role, an issue with picks, local HTTP servers (suggestions, link checks), the SMTP server."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest

from curator.editions.models import Issue, Pick
from curator.feeds.fetch import limiter
from curator.feeds.models import Entry, Source
from tests.factories import create_member
from tests.support.http_server import FixtureServer
from tests.support.smtp_server import SMTPServer, apply_mailing_settings, running_smtp_server, use_private_cache


@pytest.fixture(autouse=True)
def _team_settings(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The fetcher refuses loopback; the tests allow exactly the test server's address."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.TEAM_LINKCHECK_BEFORE_READY = True
    settings.TEAM_LINKCHECK_SLOW_SECONDS = 1.0
    settings.TEAM_LINKCHECK_TIMEOUT = 5.0
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_drafting_on_new_entries(without_entries_created_receivers: None) -> None:
    """Eager tasks would draft every suggested entry inside the test; drafting is the summarizer's to test."""


@pytest.fixture
def page_server(settings) -> Iterator[FixtureServer]:  # type: ignore[no-untyped-def]
    """Serves tests/fixtures/feeds; the fetcher may reach exactly its address, as in the feed tests."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    limiter.reset()
    server = FixtureServer()
    settings.TEAM_ARXIV_API_URL = server.url("arxiv/query")
    yield server
    server.close()
    limiter.reset()


@pytest.fixture
def contributor(django_user_model):  # type: ignore[no-untyped-def]
    return create_member(django_user_model, "chris", "Contributor", "Chris")


@pytest.fixture
def other_contributor(django_user_model):  # type: ignore[no-untyped-def]
    return create_member(django_user_model, "keita", "Contributor", "Keita")


@pytest.fixture
def source(db) -> Source:  # type: ignore[no-untyped-def]
    return Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    counter = iter(range(1, 10_000))

    def make(**fields: object) -> Entry:
        n = next(counter)
        values: dict[str, object] = {
            "source": source,
            "guid": f"g{n}",
            "url": f"https://lab.example.org/posts/{n}",
            "canonical_url": f"https://lab.example.org/posts/{n}",
            "title": f"Post {n}",
        }
        return Entry.objects.create(**{**values, **fields})

    return make


@pytest.fixture
def issue(db) -> Issue:  # type: ignore[no-untyped-def]
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


@pytest.fixture
def smtp_server(settings) -> Iterator[SMTPServer]:  # type: ignore[no-untyped-def]
    """A live SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    with running_smtp_server(settings) as server:
        yield server


@pytest.fixture(autouse=True)
def _mailing_settings(settings) -> None:  # type: ignore[no-untyped-def]
    apply_mailing_settings(settings)


@pytest.fixture(autouse=True)
def _fresh_cache(settings) -> None:  # type: ignore[no-untyped-def]
    use_private_cache(settings)
