"""Sending an issue at a chosen time, started exactly once by whichever beat process gets there first.

Beat runs `start_due_sends` every few seconds. Two beat processes (a misconfigured deployment, or
an old one still alive after a restart) may call it at the same moment: each due row is taken with
SELECT ... FOR UPDATE SKIP LOCKED and moved on by a conditional UPDATE inside the same
transaction as `send_issue`, so only one of them ever starts it; `send_issue` itself refuses an
issue that is already sending. Nothing is kept in beat's memory, so a restarted beat changes nothing.

A schedule carries the publisher's authority and the content they scheduled (a fingerprint, see
editions/fingerprint.py). At the due time the send starts only if both still hold: the issue is
ready with that very content, and the publisher still exists and may send. Otherwise the row is
refused with a note, and the publisher is told by email. An issue that leaves `ready` (back to
draft, or sent by hand) cancels its pending schedule at once.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from curator.editions.fingerprint import content_fingerprint
from curator.editions.models import Issue
from curator.mailing import control
from curator.mailing.models import ScheduledSend
from curator.mailing.scheduler import record_run
from curator.outbox import NamedTask
from curator.team import approval

log = logging.getLogger(__name__)
notify_schedule_refused = NamedTask("curator.mailing.tasks.notify_schedule_refused")  # its module imports this one

SEND_PERMISSION = "editions.send_issue"
# How far ahead a send may be scheduled: a monthly newsletter needs weeks, and a bound keeps every
# stored time far from the limits of the database and of Python's datetime.
MAX_AHEAD = datetime.timedelta(days=365)


class ScheduleError(Exception):
    """The send cannot be scheduled (or cancelled) as asked; the message is shown to the publisher."""


@dataclass
class DueResult:
    started: list[int]
    refused: list[int]


def zone_of(row: ScheduledSend) -> zoneinfo.ZoneInfo | datetime.tzinfo:
    """The zone a schedule was made in, for showing it back; the server's if the stored name is unusable."""
    try:
        return zoneinfo.ZoneInfo(row.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_current_timezone()


def aware(local: datetime.datetime, tz_name: str) -> datetime.datetime:
    """A wall-clock time the editor typed, in the editor's zone, as an aware datetime."""
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"Unknown time zone {tz_name!r}.") from None
    return local.replace(tzinfo=zone) if timezone.is_naive(local) else local.astimezone(zone)


@transaction.atomic
def schedule_send(issue: Issue, send_at: datetime.datetime, tz_name: str, user: User) -> ScheduledSend:
    """Set (or move) the time this issue goes out; only a ready issue, only in the future, only publishers."""
    if not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied("Only publishers may schedule a send.")
    locked = Issue.objects.select_for_update().get(pk=issue.pk)
    if locked.status != Issue.Status.READY:
        raise ScheduleError(f"“{locked}” is {locked.status}: mark it ready before scheduling its send.")
    try:
        approval.assert_can_send(locked)
    except approval.ApprovalMissing as exc:
        raise ScheduleError(str(exc)) from None
    now = timezone.now()
    if send_at <= now:
        raise ScheduleError("Choose a time in the future.")
    if send_at > now + MAX_AHEAD:
        raise ScheduleError("Choose a time within a year from now.")
    row, _ = ScheduledSend.objects.update_or_create(
        issue=locked,
        defaults={
            "send_at": send_at,
            "time_zone": tz_name,
            "status": ScheduledSend.Status.SCHEDULED,
            "scheduled_by": user,
            "started_at": None,
            "note": "",
            "content_fingerprint": content_fingerprint(locked),
        },
    )
    return row


def cancel_on_status_change(issue_id: int, previous: str, current: str) -> int:
    """An issue that leaves `ready` takes its pending schedule with it (editions' status_changed signal).

    Moving back to draft means someone is changing it; the publisher schedules again once it is
    ready. A send started by hand makes the schedule pointless. A send the schedule itself starts
    finds no pending row here: `_start_one` marks its row started first.
    """
    if previous != Issue.Status.READY or current == Issue.Status.READY:
        return 0
    note = f"Cancelled: the issue went from ready to {current} before the time."
    return ScheduledSend.objects.filter(issue_id=issue_id, status=ScheduledSend.Status.SCHEDULED).update(
        status=ScheduledSend.Status.CANCELLED, note=note
    )


def refusal_reason(row: ScheduledSend, issue: Issue) -> str:
    """Why this due schedule must not start now, or "" when it may."""
    if issue.status != Issue.Status.READY:
        return f"Not sent: when it was due the issue was {issue.status}, not ready."
    author = row.scheduled_by
    if author is None:
        return "Not sent: the publisher who scheduled it no longer has an account."
    if not (author.is_active and author.has_perm(SEND_PERMISSION)):
        return f"Not sent: {author.get_username()}, who scheduled it, may no longer send issues."
    if not row.content_fingerprint or row.content_fingerprint != content_fingerprint(issue):
        return (
            "Not sent: the issue was changed after it was scheduled, so it is not what the publisher "
            "approved. Check it and schedule it again."
        )
    return ""


def cancel_schedule(issue: Issue, user: User) -> bool:
    """True when a pending schedule was cancelled; False when there was none (or it already started)."""
    if not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied("Only publishers may cancel a scheduled send.")
    return (
        ScheduledSend.objects.filter(issue_id=issue.pk, status=ScheduledSend.Status.SCHEDULED).update(
            status=ScheduledSend.Status.CANCELLED
        )
        == 1
    )


def pending_schedule(issue_id: int) -> ScheduledSend | None:
    return ScheduledSend.objects.filter(issue_id=issue_id, status=ScheduledSend.Status.SCHEDULED).first()


def _start_one(now: datetime.datetime) -> tuple[int, bool] | None:
    """Take one due row and start its send; None when nothing is due (or every due row is taken)."""
    with transaction.atomic():
        row = (
            ScheduledSend.objects.select_for_update(skip_locked=True)
            .filter(status=ScheduledSend.Status.SCHEDULED, send_at__lte=now)
            .order_by("send_at", "pk")
            .first()
        )
        if row is None:
            return None
        issue = Issue.objects.select_for_update().get(pk=row.issue_id)
        if issue.is_locked:  # a publisher sent it by hand before the time: nothing left to do
            ScheduledSend.objects.filter(pk=row.pk).update(
                status=ScheduledSend.Status.CANCELLED, note=f"The issue was already {issue.status} when due."
            )
            return issue.pk, False
        note = refusal_reason(row, issue)
        # Marked started before the send moves the issue on, so the status_changed receiver
        # (cancel_on_status_change) finds no pending row to cancel.
        ScheduledSend.objects.filter(pk=row.pk).update(status=ScheduledSend.Status.STARTED, started_at=now)
        if not note:
            try:
                with transaction.atomic():  # a refusal must not undo the refusal note below
                    control.send_issue(issue, row.scheduled_by)
            except (control.SendError, PermissionDenied) as exc:
                note = f"Not sent: {exc}"
        if note:
            ScheduledSend.objects.filter(pk=row.pk).update(status=ScheduledSend.Status.REFUSED, note=note)
            if row.scheduled_by is not None and row.scheduled_by.email:
                notify_schedule_refused.delay(row.pk)
        level = logging.WARNING if note else logging.INFO
        log.log(level, "scheduled send of issue %s: %s", issue.pk, note or "started")
        return issue.pk, not note


def start_due_sends(now: datetime.datetime | None = None) -> DueResult:
    """Start every send whose time has come. Safe to run from several processes at once."""
    record_run()
    now = now or timezone.now()
    result = DueResult(started=[], refused=[])
    while (outcome := _start_one(now)) is not None:
        (result.started if outcome[1] else result.refused).append(outcome[0])
    return result
