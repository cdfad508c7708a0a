"""Fixtures for feed tests: a fresh fetch limiter, and no other app's receivers on new entries."""

from __future__ import annotations

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
