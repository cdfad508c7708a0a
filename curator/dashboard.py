"""What the admin's front page tells an editor: the state of the month, and where work is waiting.

One plain function gathers every fact for one user, so the page is a template and the tests call
the same function. Each card is computed only when the user may view its models (None otherwise),
which also keeps users from paying for queries they cannot see. Every card is a fixed number of
aggregate or LIMITed queries, so the page costs the same with ten entries or ten thousand.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from curator.celery import app as celery_app
from curator.editions.models import Issue, Section
from curator.feeds.models import Entry, IngestRun, Source
from curator.lib.plural import counted
from curator.mailing import deliveries, stalls
from curator.mailing.models import Delivery, Subscriber
from curator.outbox import heartbeats
from curator.outbox.models import OutboxMessage
from summarizer.drafting import pending_entries
from summarizer.status import SummarizerStatus, summarizer_status

INGEST_TASK = "curator.feeds.tasks.ingest_all"
FAILING_SHOWN = 5
WEEK = datetime.timedelta(days=7)
# A hand-over normally happens as the request commits: a row waiting longer means the broker did not take it.
STUCK_AFTER = datetime.timedelta(minutes=1)

User = AbstractUser | AnonymousUser


@dataclass(frozen=True)
class SectionFacts:
    title: str
    picks: int
    without_blurb: int


@dataclass(frozen=True)
class IssueFacts:
    month: datetime.date
    issue: Issue | None  # None: nobody started this month's issue yet
    sections: list[SectionFacts] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # what to do before *Mark ready*; empty when nothing

    @property
    def picks(self) -> int:
        return sum(section.picks for section in self.sections)


@dataclass(frozen=True)
class TriageFacts:
    new_this_week: int  # ingested in the last seven days
    untriaged: int  # every entry still waiting for a decision
    new_topics: int = 0  # waiting and unlike anything decided before: scored low on purpose


@dataclass(frozen=True)
class SourceFacts:
    failing: int
    worst: list[Source]  # the first few failing sources, most consecutive failures first


@dataclass(frozen=True)
class DraftFacts:
    pending: int  # entries without any draft
    summarizer: SummarizerStatus


@dataclass(frozen=True)
class IngestFacts:
    last_run: IngestRun | None
    can_see_runs: bool
    schedule: PeriodicTask | None
    next_at: datetime.datetime | None  # None when there is no enabled schedule (or it may not be seen)
    can_see_schedule: bool


@dataclass(frozen=True)
class SendFacts:
    issue: Issue
    sent: int
    failed: int
    pending: int


@dataclass(frozen=True)
class MailingFacts:
    active: int | None  # None: subscribers may not be viewed
    pending: int | None
    last_send: SendFacts | None
    can_see_sends: bool


@dataclass(frozen=True)
class QueueFacts:
    """Work the web recorded in the outbox that the broker has not taken (docs/operations.md)."""

    waiting: int
    since: datetime.datetime


@dataclass(frozen=True)
class WorkerFacts:
    """Whether anyone runs queued work: from the workers' heartbeats (curator/outbox/heartbeats.py)."""

    alive: int
    unconsumed: list[str]  # queues no live worker consumes


@dataclass(frozen=True)
class StalledSend:
    issue: Issue
    text: str  # the issue page's stall note: since when, and by when it resumes


@dataclass(frozen=True)
class Dashboard:
    queue: QueueFacts | None  # None: nothing is stuck
    workers: WorkerFacts | None  # None: every queue has a live worker (or tasks run in-process)
    stalled: list[StalledSend]  # sends no worker carries on; empty when none (or deliveries may not be seen)
    issue: IssueFacts | None
    triage: TriageFacts | None
    sources: SourceFacts | None
    drafts: DraftFacts | None
    ingest: IngestFacts | None
    mailing: MailingFacts | None


def dashboard_for(user: User, now: datetime.datetime | None = None) -> Dashboard:
    """Every card `user` may see, computed in a number of queries that does not grow with the data."""
    now = now or timezone.now()
    can = user.has_perm
    ingest_runs, schedule = can("feeds.view_ingestrun"), can("django_celery_beat.view_periodictask")
    subscribers, sends = can("mailing.view_subscriber"), can("mailing.view_delivery")
    return Dashboard(
        queue=queue_facts(now),
        workers=worker_facts(now),
        stalled=stalled_sends(now) if sends else [],
        issue=this_months_issue(timezone.localdate(now)) if can("editions.view_issue") else None,
        triage=triage_facts(now) if can("feeds.view_entry") else None,
        sources=source_facts() if can("feeds.view_source") else None,
        drafts=draft_facts() if can("summarizer.view_draft") else None,
        ingest=ingest_facts(now, ingest_runs, schedule) if ingest_runs or schedule else None,
        mailing=mailing_facts(subscribers, sends) if subscribers or sends else None,
    )


def queue_facts(now: datetime.datetime) -> QueueFacts | None:
    """Shown to every user: their clicks are what waits, and nothing else on the page says the queue is down."""
    stuck = OutboxMessage.objects.filter(handed_over_at__isnull=True).filter(
        Q(attempts__gt=0) | Q(created_at__lt=now - STUCK_AFTER)
    )
    facts = stuck.aggregate(waiting=Count("pk"), since=Min("created_at"))
    return QueueFacts(waiting=facts["waiting"], since=facts["since"]) if facts["waiting"] else None


def worker_facts(now: datetime.datetime) -> WorkerFacts | None:
    """Shown to every user: without a worker their clicks queue work that never happens."""
    if celery_app.conf.task_always_eager:  # the demo runs tasks in-process: there is no worker to miss
        return None
    workers = heartbeats.live_workers(now)
    if workers.any_alive and not workers.unconsumed:
        return None
    return WorkerFacts(alive=len(workers.alive), unconsumed=workers.unconsumed)


def stalled_sends(now: datetime.datetime) -> list[StalledSend]:
    """The issue page's stall note, here too: a stalled send must not wait for someone to open its page."""
    ids = deliveries.stalled_issue_ids()[:FAILING_SHOWN]
    found = []
    for issue in Issue.objects.filter(pk__in=ids).order_by("pk"):
        stall = stalls.stall(issue.pk, now)
        if stall is not None:
            found.append(StalledSend(issue=issue, text=stall.describe()))
    return found


def missing_before_ready(issue: Issue, sections: list[SectionFacts]) -> list[str]:
    """The workflow refuses *Mark ready* without picks; the rest is what readers would notice."""
    if issue.status != Issue.Status.DRAFT:
        return []
    total = sum(section.picks for section in sections)
    if total == 0:
        return ["no picks yet: Mark ready is refused until there is one"]
    missing = []
    without_blurb = sum(section.without_blurb for section in sections)
    if without_blurb:
        missing.append(f"{counted(without_blurb, 'pick', 'picks')} without a blurb")
    empty = [section.title for section in sections if section.picks == 0]
    if empty:
        missing.append(f"empty section{'s' if len(empty) != 1 else ''}: {', '.join(empty)}")
    if not issue.intro.strip():
        missing.append("no intro")
    return missing


def this_months_issue(today: datetime.date) -> IssueFacts:
    month = today.replace(day=1)
    issue = Issue.objects.filter(month=month).order_by("-id").first()
    if issue is None:
        return IssueFacts(month=month, issue=None)
    rows = Section.objects.filter(issue=issue).annotate(
        num_picks=Count("picks"), num_without_blurb=Count("picks", filter=Q(picks__blurb=""))
    )
    sections = [SectionFacts(row.title, row.num_picks, row.num_without_blurb) for row in rows]
    return IssueFacts(month=month, issue=issue, sections=sections, missing=missing_before_ready(issue, sections))


def triage_facts(now: datetime.datetime) -> TriageFacts:
    counts = Entry.objects.aggregate(
        new_this_week=Count("pk", filter=Q(created_at__gte=now - WEEK)),
        untriaged=Count("pk", filter=Q(triage=Entry.Triage.NEW)),
        new_topics=Count("pk", filter=Q(triage=Entry.Triage.NEW, relevance__new_topic=True)),
    )
    return TriageFacts(**counts)


def source_facts() -> SourceFacts:
    failing = Source.objects.filter(last_status=Source.Status.ERROR)
    worst = list(failing.order_by("-consecutive_failures", "name")[:FAILING_SHOWN])
    return SourceFacts(failing=failing.count(), worst=worst)


def draft_facts() -> DraftFacts:
    return DraftFacts(pending=pending_entries().count(), summarizer=summarizer_status())


def next_run(task: PeriodicTask, now: datetime.datetime) -> datetime.datetime | None:
    """When Beat will next run `task`, from its schedule (a one-off clocked task that ran: never)."""
    if not task.enabled or task.scheduler is None:
        return None
    if task.clocked is not None:
        return None if task.last_run_at else task.clocked.clocked_time
    # Beat's schedules count from their own clock; the microseconds since `now` would show 05:59 for 06:00.
    due = now + task.schedule.remaining_estimate(max(now, task.last_run_at or now))
    return (due + datetime.timedelta(milliseconds=500)).replace(microsecond=0)


def ingest_facts(now: datetime.datetime, can_see_runs: bool, can_see_schedule: bool) -> IngestFacts:
    last_run = (
        IngestRun.objects.select_related("source").order_by("-started_at", "-id").first() if can_see_runs else None
    )
    task = None
    if can_see_schedule:
        beat = PeriodicTask.objects.select_related("crontab", "interval", "solar", "clocked")
        task = beat.filter(task=INGEST_TASK).order_by("-enabled", "id").first()
    return IngestFacts(
        last_run=last_run,
        can_see_runs=can_see_runs,
        schedule=task,
        next_at=next_run(task, now) if task is not None else None,
        can_see_schedule=can_see_schedule,
    )


def last_send() -> SendFacts | None:
    """The issue being sent now, else the one sent last, with its delivery counts."""
    status = Delivery.Status
    issue = (
        Issue.objects.filter(status__in=Issue.LOCKED_STATUSES)
        .annotate(
            num_sent=Count("deliveries", filter=Q(deliveries__status=status.SENT)),
            num_failed=Count("deliveries", filter=Q(deliveries__status=status.FAILED)),
            num_pending=Count("deliveries", filter=Q(deliveries__status__in=deliveries.PENDING)),
        )
        .order_by(F("sent_at").desc(nulls_first=True), "-id")
        .first()
    )
    if issue is None:
        return None
    return SendFacts(issue=issue, sent=issue.num_sent, failed=issue.num_failed, pending=issue.num_pending)


def mailing_facts(can_see_subscribers: bool, can_see_sends: bool) -> MailingFacts:
    counts: dict[str, int | None] = {"active": None, "pending": None}
    if can_see_subscribers:
        counts = Subscriber.objects.aggregate(
            active=Count("pk", filter=Q(status=Subscriber.Status.ACTIVE)),
            pending=Count("pk", filter=Q(status=Subscriber.Status.PENDING)),
        )
    return MailingFacts(
        active=counts["active"],
        pending=counts["pending"],
        last_send=last_send() if can_see_sends else None,
        can_see_sends=can_see_sends,
    )
