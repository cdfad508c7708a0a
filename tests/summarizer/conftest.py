"""Summarizer fixtures: tiny local models (built once per session), entries, a clean engine cache."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from curator.feeds.models import Entry, Source
from summarizer import engine
from tests.factories import make_text_entry


@pytest.fixture(autouse=True)
def _presets(request: pytest.FixtureRequest) -> None:
    """The shipped presets, also after another test's transactional flush emptied the table."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            break
    else:
        if not request.node.get_closest_marker("django_db"):
            return
    from summarizer import presets
    from summarizer.models import DecodingProfile

    presets.install(DecodingProfile)


@pytest.fixture(autouse=True)
def _fresh_engine(settings) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Each test chooses its model; nothing loaded by one test leaks into the next."""
    settings.SUMMARIZER_MODEL = ""
    # Tiny models gain nothing from threads, and threads spin badly on a busy 2-core machine.
    settings.SUMMARIZER_TORCH_THREADS = 1
    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def source(db) -> Source:  # type: ignore[no-untyped-def]
    return Source.objects.create(name="Lab blog", url="https://lab.example.org/feed.xml")


@pytest.fixture
def make_entry(source: Source) -> Callable[..., Entry]:
    counter = iter(range(1, 10_000))
    return lambda kind="paper", **fields: make_text_entry(source, next(counter), kind, **fields)
