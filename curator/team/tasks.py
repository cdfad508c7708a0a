"""Thin Celery tasks: reminders (beat, hourly) and the link check on demand."""

from __future__ import annotations

from celery import shared_task

from curator.outbox import handover
from curator.team import reminders


@shared_task(ignore_result=True)
def send_due_reminders() -> int:
    return reminders.send_due()


@shared_task(bind=True, ignore_result=True, autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_reminder(self, reminder_id: int) -> bool:
    """Runs once per outbox message: a duplicate hand-over finds it done and sends nothing."""
    with handover.once(self.request.id) as first:
        if not first:
            return False
        return reminders.deliver(reminder_id)
