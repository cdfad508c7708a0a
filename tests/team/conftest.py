"""Members in each role, an issue with picks, and a real local HTTP server for suggestions."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator

import pytest

from curator.editions.models import Issue, Pick
from curator.feeds.fetch import limiter
from curator.feeds.models import Entry, Source
from tests.conftest import _role_group
from tests.feeds.server import FixtureServer


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_drafting_on_new_entries() -> Iterator[None]:
    """Eager tasks would draft every suggested entry inside the test; drafting is the summarizer's to test."""
    from curator.feeds.signals import entries_created

    with entries_created.lock:
        saved = list(entries_created.receivers)
        entries_created.receivers.clear()
        entries_created.sender_receivers_cache.clear()
    yield
    with entries_created.lock:
        entries_created.receivers[:] = saved
        entries_created.sender_receivers_cache.clear()


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


def make_member(django_user_model, username: str, role: str, first_name: str = ""):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(
        username, f"{username}@example.org", f"{username}-password", is_staff=True, first_name=first_name
    )
    user.groups.add(_role_group(role))
    return user


@pytest.fixture
def contributor(django_user_model):  # type: ignore[no-untyped-def]
    return make_member(django_user_model, "chris", "Contributor", "Chris")


@pytest.fixture
def other_contributor(django_user_model):  # type: ignore[no-untyped-def]
    return make_member(django_user_model, "keita", "Contributor", "Keita")


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
