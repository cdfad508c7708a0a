"""A worker holding unacknowledged work survives a restart of its Redis and runs what comes after."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kombu import Connection

from curator.feeds.tasks import ingest_source
from tests.support.ports import free_port
from tests.support.waiting import wait_until

REDIS_SERVER = "/usr/bin/redis-server"


class PrivateRedis:
    """A redis-server of this test's own (the shared one on 6379 is never stopped)."""

    def __init__(self, port: int, log: Path, persist_in: Path | None = None) -> None:
        self.port = port
        self.log = log
        self.proc: subprocess.Popen | None = None
        # Without a directory: nothing survives a restart (as the brief of the main test wants).
        self.persistence = (
            ["--save", "", "--appendonly", "yes", "--dir", str(persist_in)]
            if persist_in
            else ["--save", "", "--appendonly", "no"]
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), *self.persistence, "--bind", "127.0.0.1"],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        if not wait_until(self._answers, timeout=10):
            pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def started(tmp_path: Path, persist: bool) -> PrivateRedis:
    if not Path(REDIS_SERVER).exists():
        pytest.fail(f"{REDIS_SERVER} is needed to restart a broker under a worker")
    server = PrivateRedis(free_port(), tmp_path / "redis.log", tmp_path if persist else None)
    server.start()
    return server


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = started(tmp_path, persist=False)
    yield server
    server.stop()


@pytest.fixture
def persistent_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = started(tmp_path, persist=True)
    yield server
    server.stop()


def publish(broker_url: str, source_id: int, countdown: int = 0) -> str:
    with Connection(broker_url) as conn:
        return ingest_source.apply_async((source_id,), countdown=countdown, connection=conn).id


@pytest.mark.worker
def test_a_worker_survives_a_redis_restart_while_it_holds_a_task(
    private_redis: PrivateRedis, celery_worker_process: Callable[..., subprocess.Popen]
) -> None:
    worker = celery_worker_process(queues="ingest", broker_url=private_redis.url, name="restart")
    log = worker.log_path

    held = publish(private_redis.url, 999_001, countdown=600)  # unacknowledged until its countdown ends
    assert wait_until(lambda: f"[{held}] received" in log.read_text(), timeout=30), log.read_text()

    private_redis.stop()
    assert wait_until(lambda: "Connection to broker lost" in log.read_text(), timeout=30), log.read_text()
    time.sleep(3)  # a few failed reconnects
    private_redis.start()

    assert wait_until(lambda: log.read_text().count("Connected to redis://") >= 2, timeout=60), log.read_text()
    after = publish(private_redis.url, 999_002)
    assert wait_until(lambda: f"[{after}] succeeded" in log.read_text(), timeout=60), log.read_text()
    assert worker.poll() is None, log.read_text()
    assert "Unrecoverable error" not in log.read_text()


@pytest.mark.worker
def test_a_task_held_across_the_restart_runs_once_its_lease_lapses(
    persistent_redis: PrivateRedis, celery_worker_process: Callable[..., subprocess.Popen]
) -> None:
    """With a Redis that keeps its data, the message held when the connection broke comes back and runs.

    The worker dropped its copy with the connection; if it went on renewing the message's lease, the
    message would stay "held" for ever and never run.
    """
    worker = celery_worker_process(
        queues="ingest", broker_url=persistent_redis.url, name="held", extra_env={"WORKER_LEASE_SECONDS": "6"}
    )
    log = worker.log_path
    held = publish(persistent_redis.url, 999_003, countdown=25)
    assert wait_until(lambda: f"[{held}] received" in log.read_text(), timeout=30), log.read_text()

    persistent_redis.stop()
    assert wait_until(lambda: "Connection to broker lost" in log.read_text(), timeout=30), log.read_text()
    persistent_redis.start()

    assert wait_until(lambda: f"[{held}] succeeded" in log.read_text(), timeout=90), log.read_text()
    assert log.read_text().count(f"[{held}] succeeded") == 1
    assert worker.poll() is None
