"""The Delivery row's life: queued -> sending (claimed) -> sent, failed or skipped, or back to queued.

Every change is a conditional UPDATE on the row's current status, so a worker whose claim lapsed
and was taken over can never overwrite what the new owner recorded. The error classification
lives here too because it decides which of these transitions a failed attempt takes.
"""

from __future__ import annotations

import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from curator.editions import workflow
from curator.editions.models import Issue
from curator.mailing import leases
from curator.mailing.models import Delivery
from curator.mailing.render import message_id
from curator.mailing.subscriptions import record_hard_bounce

PENDING = [Delivery.Status.QUEUED, Delivery.Status.SENDING]


def reclaim_stale(issue_id: int) -> int:
    """Return rows whose lease lapsed (their worker died) to the queue; their message may repeat once."""
    cutoff = leases.expired_before()
    return Delivery.objects.filter(issue_id=issue_id, status=Delivery.Status.SENDING, claimed_at__lt=cutoff).update(
        status=Delivery.Status.QUEUED, claimed_at=None
    )


def claim(issue_id: int, size: int) -> list[int]:
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    with transaction.atomic():
        # SKIP LOCKED lets concurrent workers take disjoint batches without waiting on each other;
        # the conditional UPDATE is the second guard should a database lack row locks (SQLite demo).
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(due, issue_id=issue_id, status=Delivery.Status.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids, status=Delivery.Status.QUEUED).update(
                status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return ids


def finish_if_done(issue_id: int) -> bool:
    """The issue becomes sent only once every row is final (sent, failed or skipped)."""
    if Delivery.objects.filter(issue_id=issue_id, status__in=PENDING).exists():
        return False
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).first()
    if issue is None:
        return False
    try:
        workflow.transition(issue, Issue.Status.SENT)
    except workflow.TransitionNotAllowed:
        return False  # another worker finished it first
    return True


MARK_SENT_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, message_id = %s, error = '' "  # noqa: S608 - table name from the model
    "WHERE id = %s AND status = %s"
)


def mark_sent(delivery: Delivery) -> None:
    # Hand-written SQL: this runs once per message, and the ORM's query compilation would be the
    # larger part of its cost.
    with db_connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT_SQL,
            [
                Delivery.Status.SENT,
                timezone.now(),
                message_id(delivery.issue_id, delivery.subscriber_id),
                delivery.pk,
                Delivery.Status.SENDING,
            ],
        )


def mark_failed(delivery: Delivery, error: str, hard: bool) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=error, claimed_at=None)
    if hard:
        record_hard_bounce(delivery.subscriber_id)


def mark_retry(delivery: Delivery, error: str) -> bool:
    """Back to the queue with exponential backoff; False (and failed) once attempts are used up."""
    if delivery.attempts >= settings.MAILING_MAX_ATTEMPTS:
        mark_failed(delivery, f"gave up after {delivery.attempts} attempts; last: {error}", hard=False)
        return False
    delay = settings.MAILING_RETRY_BACKOFF * 2 ** max(delivery.attempts - 1, 0)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.QUEUED,
        error=error,
        claimed_at=None,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    return True


def mark_skipped(delivery: Delivery) -> None:
    """The subscriber left between `send_issue` and this batch: final, and nothing was sent."""
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED, claimed_at=None)


def release(ids: list[int], error: str = "", delay: float = 0) -> None:
    """Hand claimed-but-unsent rows back, e.g. on pause or when the server cannot be reached."""
    if not ids:
        return
    fields: dict = {"status": Delivery.Status.QUEUED, "claimed_at": None}
    if error:
        fields["error"] = error
    else:  # paused before trying: the claim's attempt never happened
        fields["attempts"] = F("attempts") - 1
    if delay:
        fields["next_attempt_at"] = timezone.now() + timedelta(seconds=delay)
    Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING).update(**fields)


def next_retry_at(issue_id: int) -> datetime | None:
    """When a row next becomes due: a backoff ends, or a claim another worker holds could lapse.

    The second keeps a send going by itself when a worker died holding rows whose lease has not run
    out yet: the surviving task comes back for them instead of leaving them to the sweep.
    """
    rows = Delivery.objects.filter(issue_id=issue_id)
    backoff = rows.filter(status=Delivery.Status.QUEUED).aggregate(at=Min("next_attempt_at"))["at"]
    held = rows.filter(status=Delivery.Status.SENDING).aggregate(at=Min("claimed_at"))["at"]
    lapse = held + timedelta(seconds=leases.lease_seconds()) if held else None
    return min((at for at in (backoff, lapse) if at is not None), default=None)


def stalled_issue_ids() -> list[int]:
    """Sending issues with due work and no live lease: their worker died or its task was lost."""
    now = timezone.now()
    cutoff = leases.expired_before(now)
    due = Q(deliveries__status=Delivery.Status.QUEUED) & (
        Q(deliveries__next_attempt_at__isnull=True) | Q(deliveries__next_attempt_at__lte=now)
    )
    stale = Q(deliveries__status=Delivery.Status.SENDING, deliveries__claimed_at__lt=cutoff)
    candidates = (
        Issue.objects.filter(status=Issue.Status.SENDING, paused=False)
        .annotate(
            due_rows=Count("deliveries", filter=due | stale),
            # The newest lease renewal; rows nobody claimed yet count from their creation (a fresh send).
            last_claim=Coalesce(Max("deliveries__claimed_at"), Max("deliveries__created_at")),
        )
        .filter(due_rows__gt=0, last_claim__lt=cutoff)
    )
    return list(candidates.values_list("pk", flat=True))


# Which transition a failed attempt takes.


def _anymail_error(exc: Exception, name: str) -> bool:
    """Whether `exc` is django-anymail's exception `name` (anymail is optional: absent means no)."""
    try:
        from anymail import exceptions
    except ImportError:
        return False
    return isinstance(exc, getattr(exceptions, name))


def is_permanent(exc: Exception) -> bool:
    """5xx for this message or recipient is final; 4xx, dropped connections and anything else may pass later.

    Through an email provider's API (django-anymail), a recipient the provider refuses (suppressed
    after a hard bounce or complaint, or invalid) is final; API errors such as a 500, a 429 or a bad
    token are the provider's or ours, so they retry and never count against the subscriber.
    """
    if _anymail_error(exc, "AnymailRecipientsRefused"):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return False  # our own envelope sender: a configuration problem, not this subscriber's
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def connection_is_broken(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused) or _anymail_error(exc, "AnymailError"):
        return False  # HTTP APIs keep no session state worth reopening
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code == 421  # smtplib closes the socket itself on 421
    return True


def describe(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def record_failure(delivery: Delivery, exc: Exception) -> bool:
    """Fail or requeue the row by what `exc` says; True when it will be tried again."""
    if is_permanent(exc):
        mark_failed(delivery, describe(exc), hard=True)
        return False
    return mark_retry(delivery, describe(exc))
