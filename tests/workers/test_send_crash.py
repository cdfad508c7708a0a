"""A real Celery worker is SIGKILLed mid-send and a new one takes over: nobody missing, nobody twice.

The only message allowed to arrive twice is the one in flight at the kill (accepted by the server
but not yet recorded as sent); its second copy carries the same Message-ID. No beat runs here: the
new worker gets the dead worker's task back from the broker once its lease lapses
(WORKER_LEASE_SECONDS), and the send carries on by itself within a minute.
"""

import os
import signal
import threading
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.db import connection

from curator.editions.models import Issue
from curator.mailing import control, deliveries
from curator.mailing.models import Delivery
from tests.factories import make_issue, make_subscribers
from tests.support.smtp_server import worker_mail_env
from tests.support.waiting import wait_until


def assert_exactly_once_but_the_one_in_flight(smtp_server, readers) -> None:
    counts = smtp_server.handler.per_recipient()
    assert set(counts) == {r.email for r in readers}, "nobody is missing"
    repeated = [email for email, n in counts.items() if n > 1]
    assert len(repeated) <= 1 and all(counts[email] == 2 for email in repeated)
    ids = defaultdict(set)
    for item in smtp_server.handler.received:
        ids[item.rcpt_tos[0]].add(item.message["Message-ID"])
    assert all(len(message_ids) == 1 for message_ids in ids.values()), "a repeat carries the same Message-ID"


@pytest.mark.worker
def test_it_resumes_within_a_minute_after_a_worker_is_killed_mid_send(celery_worker_process, smtp_server, settings):
    smtp_server.handler.delay = 0.1  # slow server: the kill lands while a batch is going out
    env = worker_mail_env(smtp_server, settings, MAILING_BATCH_SIZE="5")  # default leases: the production numbers
    issue = make_issue()
    readers = make_subscribers(30)
    first = celery_worker_process(queues="mail", extra_env=env, name="doomed")

    control.send_issue(issue)  # commits at once here, so the task is queued for the worker
    # Poll fast: the kill should land while message 9 (of the second batch of five) is being accepted.
    assert wait_until(lambda: len(smtp_server.handler.received) >= 8, timeout=60, interval=0.01), (
        first.log_path.read_text()
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    killed_at = time.monotonic()
    received_at_kill = len(smtp_server.handler.received)
    assert received_at_kill < 30, "the worker finished before the kill; slow the server down"
    assert Delivery.objects.filter(issue=issue, status="sending").exists()  # its claimed batch is orphaned

    second = celery_worker_process(queues="mail", extra_env=env, name="heir")
    carried_on = wait_until(lambda: len(smtp_server.handler.received) > received_at_kill, timeout=60, interval=0.1)
    resumed_after = time.monotonic() - killed_at
    assert carried_on, second.log_path.read_text()
    assert wait_until(lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT, timeout=60), (
        second.log_path.read_text()
    )
    assert resumed_after < 60
    assert_exactly_once_but_the_one_in_flight(smtp_server, readers)
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"sent"}


@pytest.mark.worker
def test_it_never_takes_a_slow_batch_from_a_live_worker(celery_worker_process, smtp_server, settings):
    # One batch of twelve at a second each outlasts both leases several times over.
    settings.MAILING_CLAIM_TIMEOUT = 3
    smtp_server.handler.delay = 1.0
    env = worker_mail_env(
        smtp_server, settings, MAILING_BATCH_SIZE="12", MAILING_CLAIM_TIMEOUT="3", WORKER_LEASE_SECONDS="6"
    )
    issue = make_issue()
    readers = make_subscribers(12)
    # Two workers: whichever does not get the task would be handed it if the broker thought it lost.
    workers = [celery_worker_process(queues="mail", extra_env=env, name=name) for name in ("one", "two")]
    swept: list[list[int]] = []
    reclaimed: list[int] = []
    stop = threading.Event()

    def beat() -> None:  # what resume_sending and the start of every batch do
        try:
            while not stop.wait(1.0):
                swept.append(deliveries.stalled_issue_ids())
                reclaimed.append(deliveries.reclaim_stale(issue.pk))
        finally:
            connection.close()

    control.send_issue(issue)
    sweeper = threading.Thread(target=beat)
    sweeper.start()
    try:
        done = wait_until(lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT, timeout=90)
    finally:
        stop.set()
        sweeper.join()
    logs = "".join(w.log_path.read_text() for w in workers)
    assert done, logs
    assert len(swept) >= 8 and all(ids == [] for ids in swept), swept
    assert set(reclaimed) == {0}, "a live worker's rows were reclaimed"
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    assert logs.count("send_issue_batches[") == 2, logs  # received and succeeded, once


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(int(child) for child in children)]


@pytest.mark.worker
def test_it_stops_a_frozen_workers_batch_when_it_wakes(celery_worker_process, smtp_server, settings):
    settings.MAILING_CLAIM_TIMEOUT = 3
    smtp_server.handler.delay = 0.3
    env = worker_mail_env(
        smtp_server, settings, MAILING_BATCH_SIZE="20", MAILING_CLAIM_TIMEOUT="3", WORKER_LEASE_SECONDS="6"
    )
    issue = make_issue()
    readers = make_subscribers(20)
    frozen = celery_worker_process(queues="mail", extra_env=env, name="frozen")
    control.send_issue(issue)
    assert wait_until(lambda: len(smtp_server.handler.received) >= 3, timeout=60, interval=0.01)
    pids = process_tree(frozen.pid)
    for pid in pids:  # as a paused VM or a swap storm would: alive, but silent for longer than its leases
        os.kill(pid, signal.SIGSTOP)
    try:
        heir = celery_worker_process(queues="mail", extra_env=env, name="heir")
        sent = wait_until(lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT, timeout=90)
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    assert sent, heir.log_path.read_text()
    # Awake again with the rest of its batch in hand, the frozen worker must not send it a second time.
    time.sleep(5)
    assert_exactly_once_but_the_one_in_flight(smtp_server, readers)
    assert "lease lapsed mid-batch" in frozen.log_path.read_text()
