"""A worker tells its pool processes how many of them share the cores, so torch threads split them."""

from __future__ import annotations

import os

import pytest

from tests.support.waiting import wait_until


@pytest.mark.worker
def test_a_worker_tells_its_pool_processes_how_many_share_the_cores(celery_worker_process, settings):
    cores = len(os.sched_getaffinity(0))
    worker = celery_worker_process(
        queues="summarize", concurrency=2, name="threads", extra_env={"SUMMARIZER_TORCH_THREADS": "0"}
    )
    log = worker.log_path
    expected = f"pool process: {max(1, cores // 2)} torch threads (2 processes share the cores)"
    assert wait_until(lambda: log.read_text().count(expected) == 2, timeout=30), log.read_text()
