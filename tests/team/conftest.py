"""Members in each role, an issue with picks, local HTTP servers (suggestions, link checks), the SMTP server."""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from curator.editions.models import Issue, Pick
from curator.feeds.fetch import limiter
from curator.feeds.models import Entry, Source
from tests.factories import create_member, role_group
from tests.support.http_server import FixtureServer
from tests.support.smtp_server import SMTPServer, apply_mailing_settings, running_smtp_server, use_private_cache


@dataclass
class LinkServer:
    """Pages for the link check: /live, /missing (404), /moved (302 to /live), /slow, /no-head (405 on HEAD)."""

    slow_seconds: float = 1.2
    seen: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def url(self, path: str) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def methods(self, path: str) -> list[str]:
        with self.lock:
            return [method for method, seen_path in self.seen if seen_path == path]


def handler_for(state: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def answer(self, method: str) -> None:
            with state.lock:
                state.seen.append((method, self.path))
            path = self.path.split("?")[0]
            if path == "/moved":
                return self.reply(302, location="/live")
            if path == "/missing":
                return self.reply(404)
            if path == "/slow":
                time.sleep(state.slow_seconds)
                return self.reply(200)
            if path == "/no-head" and method == "HEAD":
                return self.reply(405)
            if path.startswith("/page") or path in ("/live", "/no-head"):
                return self.reply(200)
            return self.reply(404)

        def reply(self, status: int, location: str = "") -> None:
            body = b"<html><title>A page</title><p>Hello.</p></html>" * 20
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            self.answer("GET")

        def do_HEAD(self) -> None:
            self.answer("HEAD")

    return Handler


@pytest.fixture
def link_server() -> Iterator[LinkServer]:
    state = LinkServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    server.daemon_threads = True
    state.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


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


@pytest.fixture
def make_member(django_user_model) -> Callable:  # type: ignore[no-untyped-def]
    def make(username: str, first_name: str, role: str = "Editor", email: str | None = None):  # type: ignore[no-untyped-def]
        user = django_user_model.objects.create_user(
            username,
            f"{username}@example.org" if email is None else email,
            f"{username}-password",
            is_staff=True,
            first_name=first_name,
        )
        user.groups.add(role_group(role))
        return user

    return make


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
