"""The send loop: claim a batch of Delivery rows, send it over one connection, record each outcome.

The Delivery row (unique per issue and subscriber) is the lock; its transitions live in
deliveries.py. Workers claim batches with SELECT ... FOR UPDATE SKIP LOCKED plus a conditional
UPDATE to `sending`, send the batch over one connection, and mark each row sent right after the
server accepted that message. A claim is a lease that a heartbeat renews while the batch sends
(curator/mailing/leases.py), so a worker killed mid-batch leaves at most the one message it was
transmitting in doubt; its other claimed rows are reclaimed once their lease
(MAILING_CLAIM_TIMEOUT) lapses, and the reclaimed message carries the same Message-ID.
Starting, pausing and resuming a send is control.py's job.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError
from django.db import connection as db_connection

from curator.editions.models import Issue
from curator.lib.pacing import Pacer
from curator.mailing import deliveries, leases, pipelining
from curator.mailing.models import Delivery, Subscriber
from curator.mailing.render import (
    PreparedIssue,
    WireTemplate,
    build_message,
    prepare_issue,
    wire_bytes,
    wire_template,
)

log = logging.getLogger(__name__)

SHARED_RATE_KEY = "mail"  # one sending schedule for every mail worker using the same Redis
PAUSE_CHECK_EVERY = 20  # messages between looks at the pause flag inside one batch


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


def mail_pacer() -> Pacer:
    """MAILING_RATE_LIMIT, counted across every mail worker that shares this Redis (see pacing.py)."""
    return Pacer.per_second(SHARED_RATE_KEY, settings.MAILING_RATE_LIMIT)


def close_quietly(backend: BaseEmailBackend) -> None:
    # A broken socket can fail again on QUIT; the connection is being thrown away either way.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        backend.close()


def connect(backend: BaseEmailBackend) -> Exception | None:
    """Open `backend`; the error when the server cannot be reached (any backend's kind), else None."""
    try:
        backend.open()
    except Exception as exc:  # nothing was sent, so every failure here means "retry later"
        return exc
    return None


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
    backend: BaseEmailBackend, prepared: PreparedIssue, wire: WireTemplate | None, subscriber: Subscriber
) -> None:
    """Hand one message to the backend; returns only once the server accepted it, raises otherwise."""
    data = wire_bytes(wire, subscriber) if wire is not None else None
    if data is None or wire is None:
        if backend.send_messages([build_message(prepared, subscriber)]) != 1:
            raise smtplib.SMTPServerDisconnected("the backend did not accept the message")
        return
    smtp = cast(SMTPBackend, backend).connection  # a wire template is made only for the SMTP backend
    if smtp is None:
        raise smtplib.SMTPServerDisconnected("not connected")
    pipelining.sendmail(smtp, wire.envelope_from, subscriber.email, data)


def relax_commit() -> bool:
    """Per-message "sent" writes stop waiting for the disk flush (see MAILING_ASYNC_COMMIT).

    The server still applies each UPDATE before answering, so a killed worker loses nothing it was
    told was written; only a crash of the database server itself could drop the latest marks.
    """
    if not settings.MAILING_ASYNC_COMMIT or db_connection.vendor != "postgresql":
        return False
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    return True


def restore_commit() -> None:
    # After a lost database connection there is nothing to restore; the original error matters more.
    with contextlib.suppress(DatabaseError), db_connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")


def send_batch(
    issue_id: int,
    batch_size: int | None = None,
    pacer: Pacer | None = None,
    backend: BaseEmailBackend | None = None,
) -> BatchResult:
    """Claim one batch and send it over one connection."""
    deliveries.reclaim_stale(issue_id)
    issue = Issue.objects.get(pk=issue_id)
    if issue.status != Issue.Status.SENDING or issue.paused:
        return BatchResult(stopped=True)
    ids = deliveries.claim(issue_id, batch_size or settings.MAILING_BATCH_SIZE)
    if not ids:
        return BatchResult()
    heartbeat = leases.Heartbeat(ids)  # from the claim on: rendering and connecting take time too
    try:
        batch = Batch(issue, ids, pacer or mail_pacer(), backend or get_connection(fail_silently=False), heartbeat)
        batch.send()
        return batch.result
    finally:
        heartbeat.stop()


class Batch:
    """One claimed batch on its way out: each step below records its outcome on the rows it touched."""

    def __init__(
        self, issue: Issue, ids: list[int], pacer: Pacer, backend: BaseEmailBackend, heartbeat: leases.Heartbeat
    ):
        self.issue_id = issue.pk
        self.ids = ids
        self.rows = list(Delivery.objects.filter(pk__in=ids).select_related("subscriber").order_by("pk"))
        self.prepared = prepared_for_sending(issue)
        self.pacer = pacer
        self.backend = backend
        self.wire = wire_template(self.prepared) if isinstance(backend, SMTPBackend) else None
        self.heartbeat = heartbeat
        self.result = BatchResult(claimed=len(ids))

    def send(self) -> None:
        error = connect(self.backend)
        if error is not None:
            log.warning("mail server unreachable for issue %s: %s", self.issue_id, deliveries.describe(error))
            self.give_back(self.ids, error)
            return
        relaxed = relax_commit()
        try:
            for index, delivery in enumerate(self.rows):
                if not self.send_row(index, delivery):
                    break
        finally:
            close_quietly(self.backend)
            if relaxed:
                restore_commit()

    def send_row(self, index: int, delivery: Delivery) -> bool:
        """Send one row; False when the rest of the batch must wait (paused, lease lost, server gone)."""
        if index and index % PAUSE_CHECK_EVERY == 0 and self.paused():
            deliveries.release(self.ids_from(index))
            self.result.stopped = True
            return False
        if delivery.subscriber.status != Subscriber.Status.ACTIVE:  # unsubscribed since send_issue
            deliveries.mark_skipped(delivery)
            self.result.skipped += 1
            return True
        self.pacer.wait()
        if not self.heartbeat.held():  # these rows may have been reclaimed and sent by another worker
            log.warning("issue %s: lease lapsed mid-batch; leaving %d rows", self.issue_id, len(self.rows) - index)
            self.result.lost = True
            return False
        try:
            deliver(self.backend, self.prepared, self.wire, delivery.subscriber)
        except Exception as exc:  # classified in deliveries; nothing a backend raises may stop the batch
            return self.failed(index, delivery, exc)
        deliveries.mark_sent(delivery)
        self.result.sent += 1
        return True

    def failed(self, index: int, delivery: Delivery, exc: Exception) -> bool:
        if deliveries.record_failure(delivery, exc):
            self.result.retrying += 1
        else:
            self.result.failed += 1
        if not deliveries.connection_is_broken(exc):
            return True
        close_quietly(self.backend)
        error = connect(self.backend)
        if error is None:
            return True
        self.give_back(self.ids_from(index + 1), error)  # server gone: the rest waits for a later pass
        return False

    def give_back(self, ids: list[int], error: Exception) -> None:
        deliveries.release(ids, deliveries.describe(error), settings.MAILING_RETRY_BACKOFF)
        self.result.retrying += len(ids)

    def paused(self) -> bool:
        return Issue.objects.filter(pk=self.issue_id, paused=True).exists()

    def ids_from(self, index: int) -> list[int]:
        return [d.pk for d in self.rows[index:]]


def run_sending(issue_id: int, max_batches: int | None = None) -> RunResult:
    """Send batches until nothing is due; used by the worker task and the benchmark."""
    outcome = RunResult()
    pacer = mail_pacer()  # one across batches
    while max_batches is None or outcome.batches < max_batches:
        result = send_batch(issue_id, pacer=pacer)
        outcome.sent += result.sent
        outcome.failed += result.failed
        if result.stopped:
            outcome.stopped = True
            return outcome
        if not result.claimed:
            break
        outcome.batches += 1
    outcome.finished = (
        deliveries.finish_if_done(issue_id) or Issue.objects.filter(pk=issue_id, status=Issue.Status.SENT).exists()
    )
    if not outcome.finished:
        outcome.retry_at = deliveries.next_retry_at(issue_id)
    return outcome
