"""Thin Celery tasks on the `mail` queue; the work lives in send.py, deliveries.py and subscriptions.py."""

from __future__ import annotations

import logging
import smtplib

from celery import Task, shared_task
from django.db import transaction
from django.utils import timezone

from curator.mailing import deliveries, imports, schedule, schedule_notice, send, signups
from curator.mailing.confirmation import send_confirmation_email
from curator.mailing.models import Subscriber, SubscriberImport
from curator.outbox import handover

log = logging.getLogger(__name__)


RETRY_MAIL = {
    # Only "the mail server could not be reached" is worth retrying; a refusal would refuse again.
    "autoretry_for": (ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "max_retries": 5,
    "bind": True,
}


@shared_task(**RETRY_MAIL)
def send_signup_confirmation(self: Task, signup_id: int) -> None:
    """Decide about one sign-up from the form and mail its link when it needs one (signups.decide)."""
    # An outbox row handed over twice (a crash between publishing and recording it) mails once; a
    # failed send rolls the decision back with the rest, so Celery's retry decides again.
    with handover.once(self.request.id) as first, transaction.atomic():
        signup = signups.decide(signup_id) if first else None
        if signup is not None:
            send_confirmation_email(signup, signups.new_token(signup))


@shared_task(**RETRY_MAIL)
def send_confirmation(self: Task, subscriber_id: int) -> None:
    """Mail a link to a row a Publisher imported as pending."""
    with handover.once(self.request.id) as first, transaction.atomic():
        subscriber = Subscriber.objects.filter(pk=subscriber_id, status=Subscriber.Status.PENDING).first()
        if first and subscriber is not None:  # confirmed or gone in the meantime: nothing to ask
            signup = signups.for_subscriber(subscriber)
            send_confirmation_email(signup, signups.new_token(signup))


@shared_task
def import_subscribers(import_id: int) -> dict:
    """Store an uploaded CSV file; safe to deliver twice (a finished import is not claimed again)."""
    job = SubscriberImport.objects.filter(pk=import_id).only("as_status").first()
    if job is None:
        return {}

    def confirm(subscriber_ids: list[int]) -> None:
        for pk in subscriber_ids:  # in the chunk's transaction: its rows and their mails commit together
            send_confirmation.delay(pk)

    done = imports.run_import(import_id, on_created=confirm if job.as_status == Subscriber.Status.PENDING else None)
    return {} if done is None else {"created": done.created_count, "errors": done.error_count}


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
    issue_ids = deliveries.stalled_issue_ids()
    for issue_id in issue_ids:
        log.info("resuming stalled send of issue %s", issue_id)
        send_issue_batches.delay(issue_id)
    return issue_ids


@shared_task
def start_scheduled_sends() -> dict:
    """Periodic (beat): start the sends whose scheduled time has come, each exactly once."""
    result = schedule.start_due_sends()
    return {"started": result.started, "refused": result.refused}


@shared_task(autoretry_for=(ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected), retry_backoff=30)
def notify_schedule_refused(schedule_id: int) -> bool:
    """Tell the publisher that their scheduled send was refused (mailing/schedule_notice.py)."""
    return schedule_notice.send_refusal_notice(schedule_id)
