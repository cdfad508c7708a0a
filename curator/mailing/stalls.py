"""Whether a send has stalled, and when the resume sweep will pick it up again: for the issue page.

A send is stalled when it has work that is due and nobody holds a live lease on it: its worker was
killed (its claims lapse after MAILING_CLAIM_TIMEOUT) or its task was lost. The periodic
`resume_sending` task re-queues such sends; the broker also hands a killed worker's task to another
worker once WORKER_LEASE_SECONDS pass without renewal, whichever comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from curator.mailing import leases
from curator.mailing.models import Delivery

RESUME_TASK = "curator.mailing.tasks.resume_sending"
RESUME_NAME = "mailing: resume stalled sends"  # the beat entry's name (migration 0003)


@dataclass
class Stall:
    since: datetime  # the last sign of life: the newest claim or lease renewal
    resumes_by: datetime | None  # None: the resume sweep is not scheduled
    now: datetime | None = None  # when this was looked at: past resumes_by, the sweep did not come

    def describe(self) -> str:
        since = f"Stalled: no worker has renewed a claim on this send since {clock(self.since)}"
        if self.resumes_by is None:
            return f"{since}, and the periodic task “{RESUME_NAME}” is not enabled: enable it under Periodic tasks."
        if self.now is not None and self.now > self.resumes_by:
            return (
                f"{since}; it should have resumed by {clock(self.resumes_by)}: check that beat and a worker "
                "for the mail queue are running (/healthz/workers)."
            )
        return f"{since}; it will resume by {clock(self.resumes_by)} (the resume sweep re-queues it)."

    def as_dict(self) -> dict:
        return {
            "since": self.since.isoformat(),
            "resumes_by": self.resumes_by.isoformat() if self.resumes_by else None,
            "text": self.describe(),
        }


def clock(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M:%S %Z")


def last_sign_of_life(issue_id: int) -> datetime | None:
    """The newest claim or lease renewal, or the moment the rows were created when none was claimed yet."""
    rows = Delivery.objects.filter(issue_id=issue_id)
    return rows.aggregate(at=Coalesce(Max("claimed_at"), Max("created_at")))["at"]


def has_due_work(issue_id: int, now: datetime) -> bool:
    due = Q(status=Delivery.Status.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    lapsed = Q(status=Delivery.Status.SENDING, claimed_at__lt=leases.expired_before(now))
    return Delivery.objects.filter(due | lapsed, issue_id=issue_id).exists()


def sweep_interval() -> timedelta | None:
    """How often beat runs the resume sweep, as the admin has it scheduled; None when it does not."""
    task = PeriodicTask.objects.filter(task=RESUME_TASK, enabled=True).select_related("interval").first()
    if task is None or task.interval is None:
        return None
    return timedelta(**{task.interval.period: task.interval.every})


def stall(issue_id: int, now: datetime | None = None) -> Stall | None:
    """None while the send is alive (or has nothing due); otherwise since when it stalled and until when."""
    now = now or timezone.now()
    since = last_sign_of_life(issue_id)
    if since is None or since >= leases.expired_before(now) or not has_due_work(issue_id, now):
        return None
    interval = sweep_interval()
    # Fixed by what is stored, not by when the page is looked at: the claims lapsed one lease after
    # the last sign of life, and the sweep runs at most one interval after that.
    lapsed_at = since + timedelta(seconds=leases.lease_seconds())
    return Stall(since=since, resumes_by=lapsed_at + interval if interval else None, now=now)
