"""A real worker ingests every due source: good feeds stored, a dead host marked failed."""

from __future__ import annotations

import pytest

from curator.feeds import tasks
from curator.feeds.models import Entry, IngestRun, Source
from tests.support.waiting import wait_until

pytestmark = pytest.mark.usefixtures("allow_loopback")


@pytest.mark.worker
def test_it_ingests_all_sources_through_a_real_worker(celery_worker_process, feed_server, closed_port):
    good = [Source.objects.create(name=n, url=feed_server.url(n)) for n in ("atom.xml", "rss091.xml", "rss10.rdf")]
    dead = Source.objects.create(name="dead", url=f"http://127.0.0.1:{closed_port}/feed.xml")
    worker = celery_worker_process(queues="ingest", extra_env={"FEEDS_ALLOWED_NETWORKS": "127.0.0.1/32"})
    tasks.ingest_all.delay()
    # Generous: returns as soon as it holds, and a loaded CI machine can be slow to run 4 tasks in a row.
    ran = wait_until(lambda: IngestRun.objects.filter(source__in=good).values("source").distinct().count() == 3, 180)
    assert ran, worker.log_path.read_text()[-4000:]
    assert Entry.objects.count() == 6
    failed = wait_until(lambda: Source.objects.get(pk=dead.pk).last_status == Source.Status.ERROR, timeout=60)
    assert failed, worker.log_path.read_text()[-4000:]
    assert {r.headers["host"] for r in feed_server.requests} == {f"127.0.0.1:{feed_server.port}"}
