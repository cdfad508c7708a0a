"""Entries on the demo topics, built through the real models; the real MiniLM embeds them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from curator.feeds.models import Entry


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def from_rows(make_entry) -> Callable[..., list[Entry]]:  # type: ignore[no-untyped-def]
    """Entries from demo rows, with a triage status."""

    def make(rows: list[dict], triage: str = Entry.Triage.NEW) -> list[Entry]:
        return [make_entry(row["title"], row["abstract"], triage=triage) for row in rows]

    return make
