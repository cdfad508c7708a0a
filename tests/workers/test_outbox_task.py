"""`.delay()` with a real worker and the real Redis: a call whose transaction commits runs exactly once,
a call whose transaction rolls back never reaches the worker."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.db import transaction

from curator.feeds.models import IngestRun, Source
from curator.feeds.tasks import ingest_source
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from tests.support.http_server import FixtureServer
from tests.support.waiting import wait_until


@pytest.fixture
def feed_server() -> Iterator[FixtureServer]:
    server = FixtureServer()
    yield server
    server.close()


def received(log: str) -> list[str]:
    return re.findall(r"Task curator\.feeds\.tasks\.ingest_source\[([^\]]+)\] received", log)


@pytest.mark.worker
def test_it_runs_a_committed_delay_once_and_a_rolled_back_one_never(celery_worker_process, feed_server):
    kept = Source.objects.create(name="kept", url=feed_server.url("rss091.xml"), fetch_full_text=False)
    dropped = Source.objects.create(name="dropped", url=feed_server.url("atom.xml"), fetch_full_text=False)
    worker = celery_worker_process(queues="ingest", extra_env={"FEEDS_ALLOWED_NETWORKS": "127.0.0.1/32"})

    with pytest.raises(RuntimeError), transaction.atomic():
        ingest_source.delay(dropped.pk, force=True)
        raise RuntimeError("the change that wanted the fetch failed")
    with transaction.atomic():
        result = ingest_source.delay(kept.pk, force=True)

    def log() -> str:
        return worker.log_path.read_text()

    assert wait_until(lambda: f"[{result.id}] succeeded" in log(), timeout=90), log()[-4000:]
    assert handover.sweep().handed_over == 0  # the sweeper finds nothing left to publish again
    ingest_queue = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    assert wait_until(lambda: ingest_queue.llen("ingest") == 0, timeout=30)
    assert received(log()) == [result.id]
    assert list(IngestRun.objects.values_list("source", flat=True)) == [kept.pk]
    assert list(OutboxMessage.objects.filter(task=ingest_source.name).values_list("args", flat=True)) == [[kept.pk]]
