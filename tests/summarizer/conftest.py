"""Summarizer fixtures: tiny local models (built once per session), entries, a clean engine cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from curator.feeds.models import Entry
from summarizer import engine


@pytest.fixture(autouse=True)
def _presets(presets: None) -> None:
    """Every summarizer test sees the shipped decoding presets."""


@pytest.fixture(autouse=True)
def _fresh_engine(settings) -> Iterator[None]:
    """Each test chooses its model; nothing loaded by one test leaks into the next."""
    settings.SUMMARIZER_MODEL = ""
    # Tiny models gain nothing from threads, and threads spin badly on a busy 2-core machine.
    settings.SUMMARIZER_TORCH_THREADS = 1
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def make_entry(text_entries: Callable[..., Entry]) -> Callable[..., Entry]:
    """Summarizer tests read real text: a paper abstract or a post's full text."""
    return text_entries
