"""Thin Celery tasks on the `mail` queue; the work lives in send.py and subscriptions.py."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.utils import timezone

from curator.mailing import send
from curator.mailing.confirmation import send_confirmation_email
from curator.mailing.models import Subscriber

log = logging.getLogger(__name__)


@shared_task(
    # Only "the mail server could not be reached" is worth retrying; a refusal would refuse again.
    autoretry_for=(ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_confirmation(subscriber_id: int) -> None:
    subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
    if subscriber is not None:  # confirmed or gone in the meantime: nothing to ask
        send_confirmation_email(subscriber)


@shared_task
def send_issue_batches(issue_id: int) -> dict:
    """Send until nothing is due. Several of these may run at once; claims keep them apart."""
    outcome = send.run_sending(issue_id)
    if outcome.retry_at is not None and not send_issue_batches.app.conf.task_always_eager:
        # Rows waiting on a backoff or on a lease that may lapse: come back when the first is due
        # (eager mode would recurse now).
        countdown = max((outcome.retry_at - timezone.now()).total_seconds(), 1)
        send_issue_batches.apply_async((issue_id,), countdown=countdown)
    return {"sent": outcome.sent, "failed": outcome.failed, "finished": outcome.finished}


@shared_task
def resume_sending() -> list[int]:
    """Periodic (beat): restart sends whose worker died mid-batch or whose retry task was lost."""
    issue_ids = send.stalled_issue_ids()
    for issue_id in issue_ids:
        log.info("resuming stalled send of issue %s", issue_id)
        send_issue_batches.delay(issue_id)
    return issue_ids
