"""A real worker sends the writers' reminders once, also when the outbox hands the same row over twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from curator.editions.models import TeamReminder
from curator.outbox import handover
from curator.outbox.models import OutboxMessage
from curator.team import reminders
from tests.factories import team_due_issue
from tests.support.smtp_server import worker_mail_env
from tests.support.waiting import succeeded, wait_until


@pytest.mark.worker
def test_a_real_worker_sends_the_reminders_once(team, celery_worker_process, smtp_server, settings) -> None:
    team_due_issue(team, timezone.now() + dt.timedelta(days=1))
    env = worker_mail_env(smtp_server, settings)
    worker = celery_worker_process(queues="default", extra_env=env, name="reminders")
    assert reminders.send_due() == 4
    assert reminders.send_due() == 0  # a second beat in the same hour
    assert wait_until(lambda: len(smtp_server.handler.received) == 4, timeout=60), worker.log_path.read_text()
    messages = list(OutboxMessage.objects.filter(task="curator.team.tasks.send_reminder"))
    assert len(messages) == 4
    handover.publish(messages[0])  # a duplicate hand-over of the same row sends nothing more
    assert wait_until(lambda: succeeded(worker, messages[0].task_id) == 2, timeout=60), worker.log_path.read_text()
    assert len(smtp_server.handler.received) == 4
    assert not TeamReminder.objects.filter(sent_at=None).exists()
