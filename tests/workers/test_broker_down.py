"""End to end with a real worker and the real Redis: a sign-up or a send made while the broker was
unreachable is mailed exactly once when a worker starts against the recovered broker."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curator.editions.models import Issue
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from curator.outbox.tasks import sweep_outbox
from tests.factories import make_issue, make_subscribers
from tests.support.smtp_server import worker_mail_env
from tests.support.waiting import succeeded, wait_until


@pytest.mark.worker
def test_it_confirms_a_sign_up_made_during_an_outage_exactly_once(
    client, broker, celery_worker_process, smtp_server, settings
):
    broker.down()
    response = client.post(reverse("mailing:subscribe"), {"email": "ada@example.org"}, follow=True)
    assert response.status_code == 200 and "briefly unavailable" in response.content.decode()
    message = OutboxMessage.objects.get()
    assert message.handed_over_at is None

    broker.up()
    env = worker_mail_env(smtp_server, settings)
    worker = celery_worker_process(extra_env=env, name="after-outage")  # its start-up sweep hands the row over
    assert wait_until(lambda: succeeded(worker, message.task_id) == 1, timeout=60), worker.log_path.read_text()
    assert smtp_server.handler.per_recipient() == {"ada@example.org": 1}

    sweep_outbox.delay()  # what beat does every minute: nothing is left to hand over
    handover.publish(message)  # and a duplicate hand-over of the same row (a crash before it was recorded)
    assert wait_until(lambda: succeeded(worker, message.task_id) == 2, timeout=60), worker.log_path.read_text()
    assert wait_until(lambda: "sweep_outbox" in worker.log_path.read_text() and broker.queued() == 0, timeout=30)
    assert smtp_server.handler.per_recipient() == {"ada@example.org": 1}
    message.refresh_from_db()
    assert message.handed_over_at is not None and message.done_at is not None


@pytest.mark.worker
def test_it_delivers_a_send_started_during_an_outage_once_a_worker_is_back(
    client, send_permissions, broker, celery_worker_process, smtp_server, settings
):
    _, publisher = send_permissions
    issue = make_issue()
    readers = make_subscribers(4)
    client.force_login(publisher)
    broker.down()
    response = client.post(reverse("admin:editions_issue_send", args=[issue.pk]), follow=True)
    assert response.status_code == 200 and "workers will pick it up when the queue is back" in response.content.decode()

    broker.up()
    env = worker_mail_env(smtp_server, settings)
    worker = celery_worker_process(queues="default,mail", extra_env=env, name="sender")
    assert wait_until(lambda: Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT, timeout=90), (
        worker.log_path.read_text()
    )
    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
