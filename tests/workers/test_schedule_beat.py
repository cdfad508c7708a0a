"""Two real `celery beat` processes and two workers: a scheduled send starts once, each reader gets one copy."""

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from curator.editions.models import Issue
from curator.mailing import schedule
from curator.mailing.models import ScheduledSend
from tests.factories import make_issue, make_subscribers
from tests.support.paths import REPO, database_url_for_subprocess
from tests.support.smtp_server import worker_mail_env
from tests.support.waiting import wait_until

TASK = "curator.mailing.tasks.start_scheduled_sends"


def start_beat(tmp_path, name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url_for_subprocess(), "CELERY_TASK_ALWAYS_EAGER": "False"}
    log = tmp_path / f"beat-{name}.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "curator",
            "beat",
            "-l",
            # Housekeeping lines ("Sending due task", "Task ... received") are DEBUG (curator/log_filters.py).
            "debug",
            "--pidfile=",
            "-s",
            str(tmp_path / name),
        ],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    proc.log_path = log
    return proc


@pytest.mark.worker
def test_it_starts_a_scheduled_send_once_with_two_beat_processes(
    celery_worker_process, smtp_server, send_permissions, settings, tmp_path
):
    _, publisher = send_permissions
    env = worker_mail_env(smtp_server, settings)
    # Earlier transactional tests flush the migration's rows: keep exactly our beat entry, every 2 s here.
    PeriodicTask.objects.all().delete()
    every, _ = IntervalSchedule.objects.get_or_create(every=2, period="seconds")
    PeriodicTask.objects.create(name="start scheduled sends", task=TASK, interval=every, queue="mail")
    issue = make_issue()
    readers = make_subscribers(10)
    schedule.schedule_send(issue, timezone.now() + dt.timedelta(seconds=3), "UTC", publisher)
    workers = [celery_worker_process(queues="mail", extra_env=env, name=f"mail{i}", loglevel="debug") for i in range(2)]
    beats = [start_beat(tmp_path, f"beat{i}") for i in range(2)]
    try:

        def both_beats_fired_after_it_was_due() -> bool:
            runs = sum(w.log_path.read_text().count(f"{TASK}[") for w in workers)
            fired = all("Sending due task start scheduled sends" in b.log_path.read_text() for b in beats)
            return Issue.objects.get(pk=issue.pk).status == Issue.Status.SENT and runs >= 6 and fired

        logs = lambda: "\n".join(p.log_path.read_text() for p in [*workers, *beats])  # noqa: E731
        assert wait_until(both_beats_fired_after_it_was_due, timeout=120, interval=1.0), logs()
        assert all("Sending due task start scheduled sends" in b.log_path.read_text() for b in beats), logs()
    finally:
        for beat in beats:
            beat.kill()
            beat.wait(timeout=30)

    assert smtp_server.handler.per_recipient() == {r.email: 1 for r in readers}
    assert ScheduledSend.objects.get(issue=issue).status == ScheduledSend.Status.STARTED
