"""Failures are visible, back off exponentially, and recover by themselves; one bad source never stops the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from curator.feeds.ingest import backoff_delay, due_sources, ingest_many, ingest_source
from curator.feeds.models import Entry, IngestRun, Source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def test_it_records_a_failure_and_backs_off(make_source):
    source = make_source("status/500")
    with time_machine.travel("2026-11-02 06:00:00+00:00", tick=False):
        result = ingest_source(source)
    source.refresh_from_db()
    assert result.failed and result.transient
    assert source.last_status == Source.Status.ERROR
    assert source.consecutive_failures == 1 and source.last_http_status == 500
    assert "HTTP 500" in source.last_error
    assert source.next_fetch_after == datetime(2026, 11, 2, 6, 15, tzinfo=UTC)
    run = IngestRun.objects.get(source=source)
    assert run.failed == 1 and "HTTP 500" in run.errors[0]["error"]


def test_it_doubles_the_delay_up_to_a_day():
    assert [backoff_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (15, 30, 60)]
    assert backoff_delay(30) == timedelta(days=1)


def test_it_skips_a_backing_off_source_until_its_time_then_recovers(make_source, feed_server):
    source = make_source("flaky.xml")
    feed_server.state.routes["/flaky.xml"] = lambda h: h.route_status("503", {"retry": ["0"]})
    with time_machine.travel("2026-11-02 06:00:00+00:00", tick=False):
        ingest_source(source)
        ingest_source(source)
        source.refresh_from_db()
        assert source.consecutive_failures == 2
        assert source not in due_sources()
    feed_server.state.routes.pop("/flaky.xml")
    feed_server.state.aliases["/flaky.xml"] = "atom.xml"
    with time_machine.travel("2026-11-02 06:31:00+00:00", tick=False):
        assert source in due_sources()  # never a permanent stop
        result = ingest_source(source)
    source.refresh_from_db()
    assert result.new == 2
    assert (source.consecutive_failures, source.next_fetch_after, source.last_error) == (0, None, "")
    assert source.last_status == Source.Status.OK


def test_it_waits_at_least_as_long_as_retry_after_says(make_source):
    source = make_source("status/429?retry=7200")
    with time_machine.travel("2026-11-02 06:00:00+00:00", tick=False):
        result = ingest_source(source)
    source.refresh_from_db()
    assert result.retry_after == 7200
    assert source.next_fetch_after == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def test_it_does_not_store_validators_of_a_feed_it_could_not_parse(make_source):
    source = make_source("garbage.bin")
    result = ingest_source(source)
    source.refresh_from_db()
    assert result.failed and not result.transient and "not a feed" in result.error
    assert source.etag == ""  # otherwise next week's 304 would hide the breakage


def test_it_goes_on_when_some_sources_fail(make_source, closed_port):
    dead = Source.objects.create(name="dead", url=f"http://127.0.0.1:{closed_port}/feed.xml")
    refused = Source.objects.create(name="refused", url="http://10.0.0.1/feed.xml")
    broken = [make_source("status/500"), make_source("garbage.bin"), make_source("nope.xml"), dead, refused]
    good = make_source("atom.xml")
    results = {r.source_id: r for r in ingest_many([*broken, good], max_workers=4)}
    assert results[good.pk].new == 2 and Entry.objects.filter(source=good).count() == 2
    assert all(results[s.pk].failed for s in broken)
    assert results[dead.pk].transient and not results[refused.pk].transient
    assert IngestRun.objects.filter(failed=1).count() == 5
