"""Delivery claims as leases: kept fresh while a batch sends, expired soon after its worker dies.

A claimed row's `claimed_at` is the last time its worker vouched for it: the claim itself, then a
heartbeat thread renews it every third of MAILING_CLAIM_TIMEOUT for as long as the batch is being
sent, however slow the mail server or the rate limit. A row whose lease has run out therefore
belongs to a worker that is gone (killed, frozen, cut off from the database), and it is safe to hand
it back to the queue: the only message that may then go out twice is the one that worker was
transmitting, with the same Message-ID.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from curator.mailing.models import Delivery

log = logging.getLogger(__name__)


def lease_seconds() -> int:
    return settings.MAILING_CLAIM_TIMEOUT


def expired_before(now: datetime | None = None) -> datetime:
    """Leases renewed before this moment have lapsed."""
    return (now or timezone.now()) - timedelta(seconds=lease_seconds())


def renew(ids: list[int]) -> int:
    """Extend the lease of the rows still being sent; returns how many were renewed.

    SKIP LOCKED: a row the sending thread is marking sent right now needs no renewal, and waiting
    for its lock would only delay the heartbeat.
    """
    with transaction.atomic():
        locked = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=Delivery.Status.SENDING)
            .values_list("pk", flat=True)
        )
        if not locked:
            return 0
        return Delivery.objects.filter(pk__in=locked, status=Delivery.Status.SENDING).update(claimed_at=timezone.now())


SAFE = 2 / 3  # of a lease: later than this after the last renewal, the rows may be someone else's


class Heartbeat:
    """Keeps the lease on `ids` from creation until stop(), and tells the sender when it may have lost it.

    A process frozen for longer than its lease (SIGSTOP, a paused VM, heavy swapping) wakes up to rows
    another worker may have reclaimed and sent meanwhile, and whichever of its threads runs first
    cannot tell. So both go by the clock: once the last renewal is older than two thirds of a lease
    (others reclaim only after a whole one), the heartbeat renews no more and `held()` turns False,
    which stops the batch before its next message.
    """

    def __init__(self, ids: list[int]):
        self.ids = ids
        self.lease = lease_seconds()
        self.renewed_at = time.monotonic()  # the claim, a moment ago
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._beat, name="delivery-lease", daemon=True)
        self.thread.start()

    def held(self) -> bool:
        return time.monotonic() - self.renewed_at < self.lease * SAFE

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopping.wait(self.lease / 3):
                if not self.held():
                    log.warning("lease on %d deliveries not renewed in time; leaving them to others", len(self.ids))
                    return
                started = time.monotonic()
                try:
                    renew(self.ids)
                except DatabaseError as exc:  # the next beat may get through; the lease has slack for it
                    log.warning("could not renew the lease of %d deliveries: %s", len(self.ids), exc)
                    continue
                self.renewed_at = started
        finally:
            connection.close()  # this thread's own connection
