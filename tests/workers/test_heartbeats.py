"""A real worker's heartbeats: listed while it runs, gone a minute after a SIGKILL, at once after a clean stop."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
from collections.abc import Callable

import pytest
import time_machine
from django.utils import timezone

from curator.outbox import heartbeats
from curator.outbox.models import WorkerHeartbeat
from tests.support.waiting import wait_until

URL = "/healthz/workers"


@pytest.mark.worker
def test_a_real_worker_shows_while_it_runs_and_is_gone_after_a_kill(
    client, celery_worker_process: Callable[..., subprocess.Popen]
):
    worker = celery_worker_process(queues="ingest,mail", name="beating")

    def listed() -> bool:
        response = client.get(URL)
        return response.status_code == 200 and any(
            w["queues"] == ["ingest", "mail"] for w in response.json()["workers"]
        )

    assert wait_until(listed, timeout=30), worker.log_path.read_text()
    assert client.get(URL).json()["unconsumed_queues"] == ["default", "summarize"]

    os.kill(worker.pid, signal.SIGKILL)  # no clean shutdown: only the missing heartbeats tell
    worker.wait(timeout=30)
    assert WorkerHeartbeat.objects.exists()
    with time_machine.travel(timezone.now() + heartbeats.ALIVE_FOR + dt.timedelta(seconds=1)):
        response = client.get(URL)
    assert response.status_code == 503 and response.json()["workers"] == []


@pytest.mark.worker
def test_a_clean_shutdown_removes_the_worker_at_once(client, celery_worker_process):
    worker = celery_worker_process(queues="default", name="polite")
    assert wait_until(lambda: client.get(URL).status_code == 200, timeout=30)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
    assert client.get(URL).status_code == 503
