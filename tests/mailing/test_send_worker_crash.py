"""A real Celery worker is SIGKILLed mid-send and a new one takes over: nobody missing, nobody twice.

The only message allowed to arrive twice is the one in flight at the kill (accepted by the server
but not yet recorded as sent); its second copy carries the same Message-ID.
"""

import signal
from collections import defaultdict

import pytest

from curator.editions.models import Issue
from curator.mailing import send, tasks
from curator.mailing.models import Delivery
from tests.conftest import wait_until

from .conftest import make_issue, make_subscribers

CLAIM_TIMEOUT = 3


@pytest.mark.worker
def test_it_resumes_after_a_worker_is_killed_mid_send(celery_worker_process, smtp_server, settings):
    settings.MAILING_CLAIM_TIMEOUT = CLAIM_TIMEOUT
    smtp_server.handler.delay = 0.1  # slow server: the kill lands while a batch is going out
    env = {
        "EMAIL_HOST": smtp_server.host,
        "EMAIL_PORT": str(smtp_server.port),
        "MAILING_BATCH_SIZE": "5",
        "MAILING_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT),
        "SITE_URL": settings.SITE_URL,
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
    }
    issue = make_issue()
    readers = make_subscribers(30)
    first = celery_worker_process(queues="mail", extra_env=env, name="doomed")

    send.send_issue(issue)  # commits at once here, so the task is queued for the worker
    # Poll fast: the kill should land while message 9 (of the second batch of five) is being accepted.
    assert wait_until(lambda: len(smtp_server.handler.received) >= 8, timeout=60, interval=0.01), (
        first.log_path.read_text()
    )
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    received_at_kill = len(smtp_server.handler.received)
    assert received_at_kill < 30, "the worker finished before the kill; slow the server down"
    assert Delivery.objects.filter(issue=issue, status="sending").exists()  # its claimed batch is orphaned

    second = celery_worker_process(queues="mail", extra_env=env, name="heir")

    def finished() -> bool:
        tasks.resume_sending.delay()  # what beat does every minute
        return Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT

    assert wait_until(finished, timeout=90, interval=1.0), second.log_path.read_text()

    counts = smtp_server.handler.per_recipient()
    assert set(counts) == {r.email for r in readers}, "nobody is missing"
    repeated = [email for email, n in counts.items() if n > 1]
    assert len(repeated) <= 1 and all(counts[email] == 2 for email in repeated)
    ids = defaultdict(set)
    for item in smtp_server.handler.received:
        ids[item.rcpt_tos[0]].add(item.message["Message-ID"])
    assert all(len(message_ids) == 1 for message_ids in ids.values()), "a repeat carries the same Message-ID"
    assert set(Delivery.objects.filter(issue=issue).values_list("status", flat=True)) == {"sent"}
