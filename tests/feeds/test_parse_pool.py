"""The parser pool's hard deadline: a document that parses too long loses its worker, nobody else waits."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator

import pytest

from curator.feeds.ingest import ingest_many
from curator.feeds.models import IngestRun, Source
from curator.feeds.parse_pool import DeadlinePool, ParserPool
from tests.support.http_server import FIXTURES
from tests.support.pathological import deep_divs

# 400,000 nested elements written as XML elements (4.4 MB, under FEEDS_MAX_BYTES): bounded, but feedparser
# alone needs about 2.8 s for them, far past the tests' deadlines; 50,000 parse in 0.36 s on a fast machine,
# too close to a 0.5 s deadline to fail reliably.
SLOW = deep_divs(400_000, form="raw")
SMALL = (FIXTURES / "rss20.xml").read_bytes()


@pytest.fixture
def pool() -> Iterator[DeadlinePool]:
    pool = DeadlinePool(2, multiprocessing.get_context("forkserver"))
    pool.warm(2)
    yield pool
    pool.close()


def test_it_stops_a_document_at_the_deadline_and_replaces_the_worker(pool):
    assert pool.parse(SMALL, "https://feeds.example/rss20.xml", "", deadline=30).entries
    workers = list(pool._idle)
    started = time.monotonic()
    result = pool.parse(SLOW, "https://deep.example/feed", "", deadline=0.3)
    assert time.monotonic() - started < 3
    assert result.error == "unreadable feed: parsing took longer than 0.3s and was stopped"
    assert not result.entries and pool.killed == 1
    # The killed worker is gone for good, and the next document gets a fresh one.
    assert [w.process.is_alive() for w in workers].count(False) == 1
    assert len(pool.parse(SMALL, "https://feeds.example/rss20.xml", "", deadline=30).entries) == 3


def test_it_parses_other_documents_while_one_is_stuck(pool):
    slow: list = []
    stuck = threading.Thread(target=lambda: slow.append(pool.parse(SLOW, "https://deep.example/feed", "", 60)))
    stuck.start()
    time.sleep(0.2)
    started = time.monotonic()
    for _ in range(3):
        assert pool.parse(SMALL, "https://feeds.example/rss20.xml", "", deadline=30).entries
    fast = time.monotonic() - started
    stuck.join()
    assert slow[0].entries and fast < 5


def test_it_reports_a_worker_that_died(pool):
    worker = pool._checkout()
    worker.process.kill()
    worker.process.join()
    pool._checkin(worker)
    # A dead idle worker is replaced before it is used.
    assert pool.parse(SMALL, "https://feeds.example/rss20.xml", "", deadline=30).entries


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
def test_it_fails_only_the_slow_source_of_a_batch(feed_server, make_source, settings):
    settings.FEEDS_PARSE_PROCESSES, settings.FEEDS_PARSE_DEADLINE = 2, 0.5
    feed_server.state.routes["/slow.xml"] = lambda h: h.send_body(200, SLOW, "application/rss+xml")
    names = ["rss20.xml", "rss091.xml", "rss10.rdf", "atom.xml", "blog_a.xml", "blog_b.xml", "wrong_encoding.xml"]
    sources = [make_source(n, fetch_full_text=False) for n in names]
    slow = Source.objects.create(name="Slow", url=feed_server.url("slow.xml"), fetch_full_text=False)
    assert len(sources) + 1 >= ParserPool.MIN_SOURCES
    results = {r.source_id: r for r in ingest_many([*sources, slow], max_workers=8)}
    assert results[slow.pk].failed and "longer than 0.5s" in results[slow.pk].error
    assert not any(results[s.pk].failed for s in sources)
    assert IngestRun.objects.count() == 8
    slow.refresh_from_db()
    assert slow.last_status == Source.Status.ERROR
