"""Ingest on real workers: a killed worker's ingest runs again within a minute, once; a live worker keeps its own."""

from __future__ import annotations

import threading
import time

import pytest

from curator.feeds import tasks
from curator.feeds.models import Entry, IngestRun, Source
from tests.support.waiting import wait_until

ENV = {"FEEDS_ALLOWED_NETWORKS": "127.0.0.1/32"}


@pytest.mark.worker
def test_it_reruns_a_killed_ingest_within_a_minute_and_only_once(celery_worker_process, feed_server):
    requests: list[float] = []
    release = threading.Event()

    def first_answer_hangs(handler) -> None:
        requests.append(time.monotonic())
        if len(requests) == 1:
            release.wait(20)  # the first worker is killed while it waits for this answer
        handler.send_file("atom.xml")

    feed_server.state.routes["/held.xml"] = first_answer_hangs
    source = Source.objects.create(name="held", url=feed_server.url("held.xml"))
    doomed = celery_worker_process(queues="ingest", extra_env=ENV, name="doomed")
    tasks.ingest_source.delay(source.pk, force=True, trigger="admin")  # Fetch now
    assert wait_until(lambda: len(requests) == 1, timeout=60), doomed.log_path.read_text()
    doomed.kill()
    doomed.wait(timeout=30)
    killed_at = time.monotonic()
    release.set()
    assert not IngestRun.objects.exists()  # nothing of the killed run was committed

    heir = celery_worker_process(queues="ingest", extra_env=ENV, name="heir")
    assert wait_until(lambda: IngestRun.objects.filter(source=source).exists(), timeout=60), heir.log_path.read_text()
    assert time.monotonic() - killed_at < 60
    assert Entry.objects.filter(source=source).count() == 2
    time.sleep(8)  # room for a second run, were the message handed out again
    assert IngestRun.objects.filter(source=source).count() == 1
    assert len(requests) == 2  # the killed fetch and the one that stored the entries


@pytest.mark.worker
def test_it_keeps_a_task_held_longer_than_the_lease_on_its_live_worker(celery_worker_process, feed_server):
    env = {"FEEDS_ALLOWED_NETWORKS": "127.0.0.1/32", "WORKER_LEASE_SECONDS": "6"}
    source = Source.objects.create(name="atom", url=feed_server.url("atom.xml"))
    # Two workers: the one not holding the task would be handed it if the lease lapsed.
    workers = [celery_worker_process(queues="ingest", extra_env=env, name=name) for name in ("one", "two")]
    tasks.ingest_source.apply_async((source.pk,), {"force": True}, countdown=20)  # 3 leases and more
    assert wait_until(lambda: IngestRun.objects.exists(), timeout=90), workers[0].log_path.read_text()
    time.sleep(8)  # a lapsed lease would have produced a second run by now
    assert IngestRun.objects.count() == 1
    assert len(feed_server.requests) == 1
