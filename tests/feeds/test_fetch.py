"""The safe fetcher against a real local server: limits, redirects, conditional GET, rate limits."""

from __future__ import annotations

import time

import pytest

from curator.feeds.fetch import (
    DeadlineExceeded,
    Fetcher,
    HTTPStatusError,
    NetworkError,
    RateLimited,
    TooLarge,
    TooManyRedirects,
    limiter,
    parse_retry_after,
)

pytestmark = pytest.mark.usefixtures("allow_loopback")


def test_it_fetches_a_feed_with_its_validators(feed_server):
    with Fetcher() as fetcher:
        result = fetcher.get(feed_server.url("rss20.xml"))
    assert result.status == 200
    assert result.content.startswith(b"<?xml")
    assert result.etag.startswith('"')
    assert result.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"


def test_it_sends_a_descriptive_user_agent(feed_server, settings):
    settings.FEEDS_USER_AGENT = "Curator/0.1 (+https://news.example; feed reader)"
    with Fetcher() as fetcher:
        fetcher.get(feed_server.url("atom.xml"))
    assert feed_server.requests[0].headers["user-agent"] == "Curator/0.1 (+https://news.example; feed reader)"


def test_it_gets_304_on_a_conditional_get(feed_server):
    with Fetcher() as fetcher:
        first = fetcher.get(feed_server.url("atom.xml"))
        second = fetcher.get(feed_server.url("atom.xml"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    assert feed_server.requests[1].headers["if-none-match"] == first.etag
    assert feed_server.requests[1].headers["if-modified-since"] == first.last_modified


def test_it_follows_up_to_five_redirects(feed_server):
    with Fetcher() as fetcher:
        result = fetcher.get(feed_server.url("redirect/5"))
    assert result.final_url == feed_server.url("rss20.xml")
    assert result.permanent_url == ""  # 302s: the source URL must stay as it is
    assert len(feed_server.requests) == 6


def test_it_refuses_a_sixth_redirect(feed_server):
    with Fetcher() as fetcher, pytest.raises(TooManyRedirects):
        fetcher.get(feed_server.url("redirect/6"))
    assert "/rss20.xml" not in feed_server.state.paths()


def test_it_reports_where_a_permanent_redirect_leads(feed_server):
    with Fetcher() as fetcher:
        result = fetcher.get(feed_server.url("moved/atom.xml"))
    assert result.permanent_url == feed_server.url("atom.xml")


def test_it_caps_a_huge_body(feed_server, settings):
    settings.FEEDS_MAX_BYTES = 2 * 1024 * 1024
    with Fetcher() as fetcher, pytest.raises(TooLarge):
        fetcher.get(feed_server.url("huge?mb=50"))


def test_it_refuses_a_declared_huge_body_before_reading_it(feed_server, settings):
    settings.FEEDS_MAX_BYTES = 1024 * 1024
    started = time.monotonic()
    with Fetcher() as fetcher, pytest.raises(TooLarge, match="declares"):
        fetcher.get(feed_server.url("huge?mb=50&declared=1"))
    assert time.monotonic() - started < 5


def test_it_stops_a_gzip_bomb_at_the_decoded_cap(feed_server, settings):
    settings.FEEDS_MAX_BYTES = 5 * 1024 * 1024
    with Fetcher() as fetcher, pytest.raises(TooLarge, match="decoded"):
        fetcher.get(feed_server.url("gzip-bomb?mb=200"))


def test_it_decodes_honest_gzip(feed_server):
    with Fetcher() as fetcher:
        result = fetcher.get(feed_server.url("gzipped/atom.xml"))
    assert b"Sparse Thoughts" in result.content
    assert feed_server.requests[0].headers["accept-encoding"] == "gzip, deflate"


def test_it_gives_up_on_a_slow_drip_at_the_deadline(feed_server):
    started = time.monotonic()
    with Fetcher(deadline=1.5) as fetcher, pytest.raises(DeadlineExceeded):
        fetcher.get(feed_server.url("slow?interval=0.1"))
    assert time.monotonic() - started < 3


def test_it_reports_a_server_error_as_transient(feed_server):
    with Fetcher() as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.get(feed_server.url("status/500"))
    assert caught.value.status == 500 and caught.value.transient


def test_it_reports_a_missing_feed_as_permanent(feed_server):
    with Fetcher() as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.get(feed_server.url("nope.xml"))
    assert caught.value.status == 404 and not caught.value.transient


@pytest.mark.parametrize("code", [429, 503])
def test_it_honours_retry_after_and_does_not_ask_again_early(feed_server, code):
    with Fetcher() as fetcher:
        with pytest.raises(RateLimited) as caught:
            fetcher.get(feed_server.url(f"status/{code}?retry=120"))
        assert caught.value.retry_after == 120
        # Same host, a different path: refused locally without a request while the cool-down lasts.
        with pytest.raises(RateLimited):
            fetcher.get(feed_server.url("atom.xml"))
    assert feed_server.state.paths() == [f"/status/{code}?retry=120"]


def test_it_reads_retry_after_as_seconds_or_http_date():
    assert parse_retry_after("30") == 30
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 1  # in the past: now
    assert parse_retry_after("soon", default=60) == 60
    assert parse_retry_after("99999999") == 24 * 3600


def test_it_reports_a_dead_host_as_transient(closed_port):
    with Fetcher() as fetcher, pytest.raises(NetworkError) as caught:
        fetcher.get(f"http://127.0.0.1:{closed_port}/feed.xml")
    assert caught.value.transient


@pytest.mark.parametrize(("overall", "per_host", "peak_expected"), [(32, 2, 2), (3, 8, 3)])
def test_it_limits_concurrency_overall_and_per_host(feed_server, settings, overall, per_host, peak_expected):
    settings.FEEDS_CONCURRENCY, settings.FEEDS_PER_HOST_CONCURRENCY = overall, per_host
    limiter.reset()  # the process-wide bounds are read once; this is their documented seam
    active, peak = 0, 0
    import threading

    lock = threading.Lock()

    def slow_feed(handler):
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.2)
        with lock:
            active -= 1
        handler.send_file("atom.xml")

    feed_server.state.routes["/counted.xml"] = slow_feed
    from concurrent.futures import ThreadPoolExecutor

    with Fetcher() as fetcher, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: fetcher.get(feed_server.url("counted.xml")), range(8)))
    assert all(r.status == 200 for r in results)
    assert peak == peak_expected
