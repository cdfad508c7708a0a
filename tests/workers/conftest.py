"""Real Celery workers: subprocesses against REDIS_URL and the test database.

Everything in this folder is marked `worker` (the fast lane leaves the folder out). Tests here commit
their rows (the worker is another process), so they run on `transactional_db` through the fixture.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from curator.celery import app as celery_app
from tests.support.paths import REPO, database_url_for_subprocess


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start real `celery worker` subprocesses against REDIS_URL and the test database.

    Returns a starter: start(queues="ingest", extra_env={...}, broker_url=None, loglevel="info") -> Popen; broker_url
    points a worker at another Redis than REDIS_URL (a private redis-server a test restarts). Every started worker
    is killed at teardown. The broker queues and kombu's unacked set are emptied first so a
    previous test's leftovers cannot leak into this test.
    """
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("worker tests need REDIS_URL pointing at a real Redis")
    procs: list[subprocess.Popen] = []

    def start(
        queues: str = "default,ingest,summarize,mail",
        extra_env: dict | None = None,
        concurrency: int = 1,
        name: str = "w",
        broker_url: str | None = None,
        loglevel: str = "info",
    ) -> subprocess.Popen:
        env = {
            **os.environ,
            "DATABASE_URL": database_url_for_subprocess(),
            "REDIS_URL": broker_url or redis_url,
            "CELERY_TASK_ALWAYS_EAGER": "False",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        log = tmp_path / f"worker-{name}-{len(procs)}.log"
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "curator",
                "worker",
                "-Q",
                queues,
                "-c",
                str(concurrency),
                "-n",
                f"{name}{len(procs)}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                loglevel,
            ],
            cwd=REPO,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        proc.log_path = log
        procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "ready." in log.read_text():
                return proc
            if proc.poll() is not None:
                pytest.fail(f"worker exited early:\n{log.read_text()}")
            time.sleep(0.2)
        pytest.fail(f"worker did not become ready:\n{log.read_text()}")

    with celery_app.connection_for_write() as conn:
        for queue in ("default", "ingest", "summarize", "mail"):
            conn.default_channel.queue_purge(queue)
    # Workers are SIGKILLed at teardown, so tasks they held (a retry waiting for its countdown) stay in
    # kombu's unacked set, and a later worker restores them at start-up: clear that too.
    redis.Redis.from_url(redis_url).delete("unacked", "unacked_index", "unacked_mutex")
    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
