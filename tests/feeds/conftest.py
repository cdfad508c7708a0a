"""Fixtures for feed tests: a fresh fetch limiter, no other app's receivers on new entries, a connection spy."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from curator.feeds.fetch import limiter


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
def connections(monkeypatch) -> list[tuple]:
    """Every TCP connection attempt the process makes (the real call still happens): a refusal must make none."""
    attempts: list[tuple] = []
    real = socket.create_connection

    def spy(address, *args, **kwargs):
        attempts.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", spy)
    return attempts
