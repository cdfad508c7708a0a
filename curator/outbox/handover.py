"""Record work with the state change that wants it, hand it to Celery after commit, retry later.

Queuing straight to the broker from a request has two failure modes: the broker is down and the
request fails after its rows were saved, or the rows are saved and the message is silently lost.
Here the intent is an `OutboxMessage` row written in the caller's transaction; after commit it is
published with a task id derived from the row, and `sweep()` (beat, and every worker start)
publishes whatever is still waiting once the broker is back. Project code does not call `enqueue`
itself: every task's `.delay()` does (`curator.outbox.OutboxTask`); `enqueue_call` remains for a
task known only by a stored name (a periodic task run from the admin).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from curator.celery import app
from curator.ids import parse_id
from curator.outbox.models import TASK_ID_PREFIX, OutboxMessage

log = logging.getLogger(__name__)

# Fail fast when the broker is unreachable: the row is safe, and a request must not hang on retries
# (kombu's default policy retried for about 6 s per call against a closed port).
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# What an unreachable or refusing broker raises from apply_async; anything else is a bug and propagates.
BROKER_ERRORS = (BrokerError, ConnectionError, TimeoutError, OSError)
QUEUED_LATER = "Queued; workers will pick it up when the queue is back."


@dataclass
class Watch:
    """The rows enqueued while a `watch()` block ran, to tell the user what really happened."""

    messages: list[OutboxMessage] = field(default_factory=list)

    @property
    def waiting(self) -> list[OutboxMessage]:
        """Rows the broker refused; rows whose transaction is still open have not been tried yet."""
        return [m for m in self.messages if m.handed_over_at is None and m.last_error]

    @property
    def handed_over(self) -> bool:
        return not self.waiting

    def note(self, text: str) -> str:
        """`text`, followed by the truth about the queue when some work is still waiting for the broker."""
        return text if self.handed_over else f"{text} {QUEUED_LATER}"

    def tell(self, request: HttpRequest, text: str) -> None:
        """The message after queueing: a success when the broker has the work, a warning when it waits."""
        messages.add_message(request, messages.SUCCESS if self.handed_over else messages.WARNING, self.note(text))


_watches: contextvars.ContextVar[tuple[Watch, ...]] = contextvars.ContextVar("outbox_watches", default=())


@contextmanager
def watch() -> Iterator[Watch]:
    """Collect what is enqueued inside the block, however deep the call that enqueues it."""
    current = Watch()
    token = _watches.set((*_watches.get(), current))
    try:
        yield current
    finally:
        _watches.reset(token)


def task_name(task: Task | str) -> str:
    name = task if isinstance(task, str) else task.name
    if name not in app.tasks:
        app.loader.import_default_modules()
    if name not in app.tasks:
        raise ValueError(f"no Celery task named {name!r}")
    return name


def enqueue(task: Task | str, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Record `task(*args, **kwargs)` in the current transaction; it is handed to Celery on commit."""
    return enqueue_call(task, args, kwargs)


def enqueue_call(
    task: Task | str, args: tuple | list = (), kwargs: dict | None = None, queue: str = ""
) -> OutboxMessage:
    """`enqueue` with an explicit queue (periodic tasks configured with one in the admin)."""
    message = OutboxMessage.objects.create(task=task_name(task), args=list(args), kwargs=kwargs or {}, queue=queue)
    for current in _watches.get():
        current.messages.append(message)
    eager = app.conf.task_always_eager
    # Outside eager mode a failure after commit must never reach the user: the row waits for the sweeper.
    transaction.on_commit(lambda: hand_over(message), robust=not eager)
    return message


def publish(message: OutboxMessage) -> None:
    """Send one row to the broker under its own task id (a duplicate keeps the same id)."""
    options: dict[str, Any] = {"task_id": message.task_id, "retry_policy": RETRY_POLICY}
    if message.queue:
        options["queue"] = message.queue
    # Celery's own publish: the task's apply_async (OutboxTask) would record the call once more.
    Task.apply_async(app.tasks[message.task], message.args, message.kwargs, **options)


def hand_over(message: OutboxMessage) -> bool:
    """Publish a waiting row; True when the broker has it (now or before), False when it was unreachable."""
    if app.conf.task_always_eager:
        return _run_eagerly(message)
    now = timezone.now()
    try:
        with transaction.atomic():
            # The lock keeps the on-commit hand-over and a concurrent sweep from publishing the row twice.
            row = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message.pk, handed_over_at__isnull=True)
                .first()
            )
            if row is None:
                message.handed_over_at = message.handed_over_at or now
                return True  # handed over already, or being handed over by someone else right now
            publish(row)
            OutboxMessage.objects.filter(pk=row.pk).update(handed_over_at=now, attempts=F("attempts") + 1)
    except BROKER_ERRORS as exc:
        message.last_error = f"broker unreachable ({type(exc).__name__})"
        OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1, last_error=message.last_error)
        log.warning("outbox: broker unreachable, %s waits for the sweeper", message.task_id)
        return False
    message.handed_over_at = now
    return True


def _run_eagerly(message: OutboxMessage) -> bool:
    # Eager tasks run inside apply_async: mark first and commit, so a task that fails halfway
    # cannot roll back what it already did (an email sent) nor be run again by a sweep.
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message.pk, handed_over_at__isnull=True).update(
        handed_over_at=now, attempts=F("attempts") + 1
    )
    message.handed_over_at = message.handed_over_at or now
    if claimed:
        publish(OutboxMessage.objects.get(pk=message.pk))
    return True


@dataclass
class SweepResult:
    handed_over: int = 0
    waiting: int = 0
    purged: int = 0


def sweep(limit: int = 1000) -> SweepResult:
    """Hand over rows still waiting, oldest first; stop at the first broker failure (the rest would fail too)."""
    result = _sweep_eagerly(limit) if app.conf.task_always_eager else _sweep_batch(limit)
    cutoff = timezone.now() - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    result.purged, _ = OutboxMessage.objects.filter(handed_over_at__lt=cutoff).delete()
    return result


def _sweep_batch(limit: int) -> SweepResult:
    # One transaction and two UPDATEs per batch rather than per row: after a long outage the backlog
    # drains at the broker's pace. Rows locked by an on-commit hand-over in progress are skipped.
    result = SweepResult()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(handed_over_at__isnull=True)
            .order_by("pk")[:limit]
        )
        published: list[int] = []
        for row in rows:
            try:
                publish(row)
            except BROKER_ERRORS as exc:
                error = f"broker unreachable ({type(exc).__name__})"
                OutboxMessage.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1, last_error=error)
                log.warning("outbox: broker unreachable, %d rows wait for the next sweep", len(rows) - len(published))
                result.waiting = len(rows) - len(published)
                break
            published.append(row.pk)
        OutboxMessage.objects.filter(pk__in=published).update(handed_over_at=timezone.now(), attempts=F("attempts") + 1)
    result.handed_over = len(published)
    return result


def _sweep_eagerly(limit: int) -> SweepResult:
    waiting = OutboxMessage.objects.filter(handed_over_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    pks = list(waiting[:limit])
    for pk in pks:
        _run_eagerly(OutboxMessage(pk=pk))
    return SweepResult(handed_over=len(pks))


def message_pk(task_id: str | None) -> int | None:
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    suffix = task_id.removeprefix(TASK_ID_PREFIX)
    return parse_id(suffix)


@contextmanager
def once(task_id: str | None) -> Iterator[bool]:
    """Yield True the first time a handed-over task runs to the end, False for a duplicate hand-over.

    For tasks whose effect cannot be taken back (an email). The row stays locked while the body
    runs, so a duplicate delivered at the same moment waits and then sees `done_at`; an exception
    rolls `done_at` back, so Celery's retry of the same task id still runs. Work not queued through
    the outbox (no outbox task id) always runs.
    """
    pk = message_pk(task_id)
    if pk is None:
        yield True
        return
    with transaction.atomic():
        row = OutboxMessage.objects.select_for_update().filter(pk=pk).first()
        if row is None or row.done_at is not None:
            yield False  # done before (a purged row was handed over days ago and done too)
            return
        yield True
        OutboxMessage.objects.filter(pk=pk).update(done_at=timezone.now())
