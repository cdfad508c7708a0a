"""Fixtures for feed tests: a real local HTTP server, and the allowlist that lets the fetcher reach it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from curator.feeds.fetch import limiter
from curator.feeds.models import Source
from tests.support.http_server import FixtureServer


@pytest.fixture
def feed_server() -> Iterator[FixtureServer]:
    server = FixtureServer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _fresh_limiter() -> Iterator[None]:
    """Retry-After cool-downs are per process; one test's 429 must not leak into the next."""
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture(autouse=True)
def _only_our_receivers(without_entries_created_receivers: None) -> None:
    """Feed tests check what feeds does; other apps' reactions to new entries (drafting) are theirs to test."""


@pytest.fixture
def allow_loopback(settings) -> None:  # type: ignore[no-untyped-def]
    """The fetcher refuses loopback by default; the tests allow exactly the test server's address."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: a dead host."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def make_source(feed_server: FixtureServer):  # type: ignore[no-untyped-def]
    def make(path: str, name: str = "", **fields) -> Source:  # type: ignore[no-untyped-def]
        return Source.objects.create(name=name or path, url=feed_server.url(path), **fields)

    return make
