"""What an editor (or the schedule) does to a send: start it, pause it, resume it, watch its progress.

Starting fixes the audience as Delivery rows in one transaction and wakes the mail workers, which
run the send loop (send.py) over those rows (deliveries.py).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from curator.editions import workflow
from curator.editions.models import Issue
from curator.mailing import deliveries, stalls
from curator.mailing.models import Delivery, Subscriber
from curator.outbox import NamedTask
from curator.team import approval

# Named, not imported: the tasks module imports the sending code, and the schedule that imports this one.
send_issue_batches = NamedTask("curator.mailing.tasks.send_issue_batches")


class SendError(Exception):
    """The issue cannot be sent in its current state."""


def send_issue(issue: Issue, user: User | None = None) -> int:
    """Create one Delivery per active subscriber, mark the issue sending and wake the workers.

    Safe to call again: once the issue is sending, no rows are added (the audience is fixed at the
    first call) and the call only wakes the workers, which is also how a stalled send is resumed.
    `user`, when given, must hold editions.send_issue (checked by the editions workflow). Returns
    the row count.
    """
    with transaction.atomic():
        total, sending = _open(issue, user)
        if sending:
            send_issue_batches.delay(issue.pk)  # in this transaction: a broker outage delays the send, never loses it
    return total


def open_send(issue: Issue, user: User | None = None) -> int:
    """`send_issue` without waking anyone: for a caller that runs `send.run_sending` itself.

    The demo loader sends its sample issue in-process this way, and the send benchmark times the loop
    in its own process; workers woken later by anything else (resume, the stall sweep) simply find
    the rows already claimed or sent.
    """
    with transaction.atomic():
        return _open(issue, user)[0]


def _open(issue: Issue, user: User | None) -> tuple[int, bool]:
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    if issue.status not in (Issue.Status.SENDING, Issue.Status.SENT):
        try:
            approval.assert_can_send(issue)  # sign-off, when TEAM_REQUIRE_APPROVAL asks for it
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
    sending = issue.status == Issue.Status.SENDING
    if sending:
        deliveries.finish_if_done(issue.pk)  # an empty audience is done at once
    return total, sending


def pause(issue: Issue) -> bool:
    return Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING, paused=False).update(paused=True) == 1


def resume(issue: Issue) -> bool:
    with transaction.atomic():
        resumed = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING, paused=True).update(paused=False)
        if resumed:
            send_issue_batches.delay(issue.pk)
    return resumed == 1


def progress(issue: Issue) -> dict:
    counts = Delivery.objects.filter(issue_id=issue.pk).aggregate(
        total=Count("pk"),
        sent=Count("pk", filter=Q(status=Delivery.Status.SENT)),
        failed=Count("pk", filter=Q(status=Delivery.Status.FAILED)),
        skipped=Count("pk", filter=Q(status=Delivery.Status.SKIPPED)),
        pending=Count("pk", filter=Q(status__in=deliveries.PENDING)),
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
