"""Sending an issue exactly once per person.

The Delivery row (unique per issue and subscriber) is the lock. `send_issue` creates all rows in
one transaction; workers then claim batches with SELECT ... FOR UPDATE SKIP LOCKED plus a
conditional UPDATE to `sending`, send the batch over one connection, and mark each row sent right
after the server accepted that message. A claim is a lease that a heartbeat renews while the batch
sends (curator/mailing/leases.py), so a worker killed mid-batch leaves at most the one message it
was transmitting in doubt; its other claimed rows are reclaimed once their lease
(MAILING_CLAIM_TIMEOUT) lapses, and the reclaimed message carries the same Message-ID.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from curator import pacing
from curator.editions import workflow
from curator.editions.models import Issue
from curator.mailing import leases, pipelining, stalls
from curator.mailing.models import Delivery, Subscriber
from curator.mailing.render import (
    PreparedIssue,
    WireTemplate,
    build_message,
    message_id,
    prepare_issue,
    wire_bytes,
    wire_template,
)
from curator.mailing.subscriptions import record_hard_bounce

log = logging.getLogger(__name__)

SHARED_RATE_KEY = "mail"  # one sending schedule for every mail worker using the same Redis
PAUSE_CHECK_EVERY = 20  # messages between looks at the pause flag inside one batch


class SendError(Exception):
    """The issue cannot be sent in its current state."""


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    stopped: bool = False  # paused, or the issue is not sending
    lost: bool = False  # the lease could not be kept (frozen process, database gone): the rest is left


@dataclass
class RunResult:
    batches: int = 0
    sent: int = 0
    failed: int = 0
    retry_at: datetime | None = None  # when rows waiting on a backoff become due
    finished: bool = False
    stopped: bool = False


class RateLimiter:
    """Spaces messages at most `rate` per second (0 = no limit), across every sending process.

    Within a process the spacing is kept locally; with `shared` set (the default for sending) each
    message also takes a slot from the schedule all mail workers share through Redis (see
    curator/pacing.py), so two workers sending the same issue do not double the provider's rate.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        shared: str | None = None,
    ):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.clock = clock
        self.sleep = sleep
        self.shared = shared
        self.next_at: float | None = None

    def wait(self) -> None:
        if not self.interval:
            return
        now = self.clock()
        if self.next_at is not None and self.next_at > now:
            self.sleep(self.next_at - now)
            now = self.next_at
        if self.shared and pacing.wait(self.shared, self.interval, self.sleep):
            now = self.clock()
        self.next_at = now + self.interval


def send_issue(issue: Issue, user: AbstractBaseUser | None = None, wake: bool = True) -> int:
    """Create one Delivery per active subscriber and mark the issue sending; returns the row count.

    Safe to call again: once the issue is sending, no rows are added (the audience is fixed at the
    first call) and the call only wakes the workers, which is also how a stalled send is resumed.
    `user`, when given, must hold editions.send_issue (checked by the editions workflow).
    `wake=False` leaves the batches to the caller (the benchmark drives them in-process).
    """
    with transaction.atomic():
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in (Issue.Status.SENDING, Issue.Status.SENT):
            try:
                workflow.transition(issue, Issue.Status.SENDING, user)
            except workflow.WorkflowError as exc:
                raise SendError(str(exc)) from None
            now = timezone.now()
            subscriber_ids = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).values_list("pk", flat=True)
            Delivery.objects.bulk_create(
                (Delivery(issue_id=issue.pk, subscriber_id=pk, created_at=now) for pk in subscriber_ids.iterator()),
                batch_size=2000,
                ignore_conflicts=True,
            )
            Issue.objects.filter(pk=issue.pk).update(paused=False)
        total = Delivery.objects.filter(issue_id=issue.pk).count()
        if issue.status == Issue.Status.SENDING:
            finish_if_done(issue.pk)  # an empty audience is done at once
            if wake:
                wake_workers(issue.pk)
    return total


def wake_workers(issue_id: int) -> None:
    from curator.mailing.tasks import send_issue_batches
    from curator.outbox.handover import enqueue

    enqueue(send_issue_batches, issue_id)  # an outbox row: a broker outage delays the send, never loses it


def pause(issue: Issue) -> bool:
    return Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING, paused=False).update(paused=True) == 1


def resume(issue: Issue) -> bool:
    with transaction.atomic():
        resumed = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING, paused=True).update(paused=False)
        if resumed:
            wake_workers(issue.pk)
    return resumed == 1


def progress(issue: Issue) -> dict:
    counts = Delivery.objects.filter(issue_id=issue.pk).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        skipped=Count("pk", filter=Q(status=Delivery.Status.SKIPPED)),
        pending=Count("pk", filter=Q(status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING])),
    )
    issue = Issue.objects.only("status", "paused", "sent_at").get(pk=issue.pk)
    stalled = None
    if issue.status == Issue.Status.SENDING and not issue.paused and counts["pending"]:
        stalled = stalls.stall(issue.pk)
    return {
        **counts,
        "status": issue.status,
        "paused": issue.paused,
        "sent_at": issue.sent_at.isoformat() if issue.sent_at else None,
        "stalled": stalled.as_dict() if stalled else None,
    }


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
    if Delivery.objects.filter(
        issue_id=issue_id, status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
    ).exists():
        return False
    issue = Issue.objects.filter(pk=issue_id, status=Issue.Status.SENDING).first()
    if issue is None:
        return False
    try:
        workflow.transition(issue, Issue.Status.SENT)
    except workflow.TransitionNotAllowed:
        return False  # another worker finished it first
    return True


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


MARK_SENT_SQL = (
    f"UPDATE {Delivery._meta.db_table} SET status = %s, sent_at = %s, message_id = %s, error = '' "  # noqa: S608 - table name from the model
    "WHERE id = %s AND status = %s"
)


def mark_sent(delivery: Delivery) -> None:
    # Hand-written SQL: this runs once per message, and the ORM's query compilation would be the
    # larger part of its cost.
    with connection.cursor() as cursor:
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


def close_quietly(connection: BaseEmailBackend) -> None:
    # A broken socket can fail again on QUIT; the connection is being thrown away either way.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


_prepared: dict[int, tuple[datetime, PreparedIssue]] = {}


def prepared_for_sending(issue: Issue) -> PreparedIssue:
    """Templates and CSS inlining once per issue per worker process, not per batch or person.

    Safe to keep for the whole send: editions refuses content changes from `sending` on, and any
    status change bumps updated_at, which is part of the key.
    """
    cached = _prepared.get(issue.pk)
    if cached is not None and cached[0] == issue.updated_at:
        return cached[1]
    prepared = prepare_issue(issue)
    _prepared.clear()  # issues go out one at a time; keep the worker's memory flat
    _prepared[issue.pk] = (issue.updated_at, prepared)
    return prepared


def deliver(
    connection: BaseEmailBackend, prepared: PreparedIssue, wire: WireTemplate | None, subscriber: Subscriber
) -> None:
    """Hand one message to the backend; returns only once the server accepted it, raises otherwise."""
    data = wire_bytes(wire, subscriber) if wire is not None else None
    if data is None:
        if connection.send_messages([build_message(prepared, subscriber)]) != 1:
            raise smtplib.SMTPServerDisconnected("the backend did not accept the message")
        return
    smtp = connection.connection
    if smtp is None:
        raise smtplib.SMTPServerDisconnected("not connected")
    pipelining.sendmail(smtp, wire.envelope_from, subscriber.email, data)


def relax_commit() -> bool:
    """Per-message "sent" writes stop waiting for the disk flush (see MAILING_ASYNC_COMMIT).

    The server still applies each UPDATE before answering, so a killed worker loses nothing it was
    told was written; only a crash of the database server itself could drop the latest marks.
    """
    if not settings.MAILING_ASYNC_COMMIT or connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    return True


def restore_commit() -> None:
    # After a lost database connection there is nothing to restore; the original error matters more.
    with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


def send_batch(
    issue_id: int,
    batch_size: int | None = None,
    limiter: RateLimiter | None = None,
    connection: BaseEmailBackend | None = None,
) -> BatchResult:
    """Claim one batch and send it over one connection."""
    reclaim_stale(issue_id)
    issue = Issue.objects.get(pk=issue_id)
    if issue.status != Issue.Status.SENDING or issue.paused:
        return BatchResult(stopped=True)
    ids = claim(issue_id, batch_size or settings.MAILING_BATCH_SIZE)
    result = BatchResult(claimed=len(ids))
    if not ids:
        return result
    heartbeat = leases.Heartbeat(ids)  # from the claim on: rendering and connecting take time too
    try:
        return send_claimed(issue, ids, result, limiter, connection, heartbeat)
    finally:
        heartbeat.stop()


def send_claimed(
    issue: Issue,
    ids: list[int],
    result: BatchResult,
    limiter: RateLimiter | None,
    connection: BaseEmailBackend | None,
    heartbeat: leases.Heartbeat,
) -> BatchResult:
    """Send the claimed rows `ids` over one connection, recording each outcome on its row."""
    issue_id = issue.pk
    deliveries = list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))
    prepared = prepared_for_sending(issue)
    limiter = limiter or RateLimiter(settings.MAILING_RATE_LIMIT, shared=SHARED_RATE_KEY)
    connection = connection or get_connection(fail_silently=False)
    wire = wire_template(prepared) if isinstance(connection, SMTPBackend) else None
    try:
        connection.open()
    except Exception as exc:  # any backend's "cannot reach the server": nothing was sent, retry later
        log.warning("mail server unreachable for issue %s: %s", issue_id, describe(exc))
        release(ids, describe(exc), delay=settings.MAILING_RETRY_BACKOFF)
        result.retrying = len(ids)
        return result
    relaxed = relax_commit()
    try:
        for index, delivery in enumerate(deliveries):
            if index and index % PAUSE_CHECK_EVERY == 0 and Issue.objects.filter(pk=issue_id, paused=True).exists():
                release([d.pk for d in deliveries[index:]])
                result.stopped = True
                break
            if delivery.subscriber.status != Subscriber.Status.ACTIVE:  # unsubscribed since send_issue
                Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SKIPPED, claimed_at=None)
                result.skipped += 1
                continue
            limiter.wait()
            if not heartbeat.held():  # these rows may have been reclaimed and sent by another worker
                log.warning("issue %s: lease lapsed mid-batch; leaving %d rows", issue_id, len(deliveries) - index)
                result.lost = True
                break
            try:
                deliver(connection, prepared, wire, delivery.subscriber)
            except Exception as exc:  # classified below; nothing a backend raises may stop the batch
                if is_permanent(exc):
                    mark_failed(delivery, describe(exc), hard=True)
                    result.failed += 1
                elif mark_retry(delivery, describe(exc)):
                    result.retrying += 1
                else:
                    result.failed += 1
                if connection_is_broken(exc):
                    close_quietly(connection)
                    try:
                        connection.open()
                    except Exception as reopen_exc:  # server gone: the rest waits for a later pass
                        release(
                            [d.pk for d in deliveries[index + 1 :]],
                            describe(reopen_exc),
                            settings.MAILING_RETRY_BACKOFF,
                        )
                        result.retrying += len(deliveries) - index - 1
                        break
                continue
            mark_sent(delivery)
            result.sent += 1
    finally:
        close_quietly(connection)
        if relaxed:
            restore_commit()
    return result


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


def run_sending(issue_id: int, max_batches: int | None = None) -> RunResult:
    """Send batches until nothing is due; used by the worker task and the benchmark."""
    outcome = RunResult()
    limiter = RateLimiter(settings.MAILING_RATE_LIMIT, shared=SHARED_RATE_KEY)  # one across batches
    while max_batches is None or outcome.batches < max_batches:
        result = send_batch(issue_id, limiter=limiter)
        outcome.sent += result.sent
        outcome.failed += result.failed
        if result.stopped:
            outcome.stopped = True
            return outcome
        if not result.claimed:
            break
        outcome.batches += 1
    outcome.finished = finish_if_done(issue_id) or Issue.objects.filter(pk=issue_id, status=Issue.Status.SENT).exists()
    if not outcome.finished:
        outcome.retry_at = next_retry_at(issue_id)
    return outcome


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
