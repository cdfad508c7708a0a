"""A real worker's log: housekeeping only at DEBUG, every line with its time and level."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable

from kombu import Connection

from curator.feeds.tasks import ingest_source
from curator.mailing.tasks import resume_sending
from tests.support.waiting import wait_until

WORKER_LINE = re.compile(r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}: (INFO|WARNING|ERROR|DEBUG)/[\w.]+\] ")


def test_a_real_worker_logs_housekeeping_only_at_debug_and_every_line_with_time_and_level(
    celery_worker_process: Callable[..., subprocess.Popen],
) -> None:
    """At INFO the 15-second sweep leaves no line in the worker's log; ordinary tasks still do."""
    worker = celery_worker_process(queues="mail", name="quiet")
    log = worker.log_path
    with Connection(os.environ["REDIS_URL"]) as conn:
        sweeps = [resume_sending.apply_async(connection=conn).id for _ in range(3)]
        # Behind the sweeps in the same queue, run by the one process in order: once it is done, so are they.
        fetch = ingest_source.apply_async((999_101,), connection=conn, queue="mail").id
    assert wait_until(lambda: f"[{fetch}] succeeded" in log.read_text(), timeout=60), log.read_text()
    text = log.read_text()
    assert all(sweep not in text for sweep in sweeps), text  # received and succeeded at DEBUG: not shown
    lines = [line for line in text.splitlines() if re.match(r"\[\d", line)]  # log lines, not the banner
    assert any(f"[{fetch}] received" in line for line in lines)
    assert len(lines) >= 3 and all(WORKER_LINE.match(line) for line in lines), text


def test_a_worker_at_debug_shows_the_housekeeping_lines(celery_worker_process: Callable[..., subprocess.Popen]) -> None:
    worker = celery_worker_process(queues="mail", name="chatty", loglevel="debug")
    log = worker.log_path
    with Connection(os.environ["REDIS_URL"]) as conn:
        sweep = resume_sending.apply_async(connection=conn).id
    assert wait_until(lambda: f"[{sweep}] succeeded" in log.read_text(), timeout=60), log.read_text()
    assert re.search(
        rf"DEBUG/celery\.\S+\] Task curator\.mailing\.tasks\.resume_sending\[{sweep}\] succeeded", log.read_text()
    )
