"""Chase the unwritten blurbs before the send: one email per writer, one digest for the editors.

TEAM_REMINDER_DAYS before an issue is due (its due date, or its scheduled send when that is sooner),
each member with claimed but unwritten picks gets one email listing them, and each editor one digest
of what is still open (unclaimed picks, unwritten picks, failing links). Beat runs `send_due` every
hour; the TeamReminder row, unique per issue, member, kind and day, is written in the same
transaction as the outbox message that sends it, so a second beat, a retry or an overlapping run
finds the row and sends nothing: at most one reminder per member, issue and day, and exactly one
once the outbox has handed it over. Members with nothing to do get nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from curator.editions.models import Issue, LinkCheck, Pick, TeamReminder
from curator.outbox import NamedTask
from curator.team.linkcheck import failing_checks
from curator.team.models import Assignment

send_reminder = NamedTask("curator.team.tasks.send_reminder")  # named: the tasks module imports this one

OPEN_STATUSES = Issue.EDITABLE_STATUSES
DIGEST_GROUP = "Editor"


def due_at(issue: Issue) -> datetime.datetime | None:
    """The issue's due date, or its pending scheduled send when that comes first."""
    candidates = [issue.due_at] if issue.due_at else []
    if apps.is_installed("curator.mailing"):  # read by name: mailing sits above this app
        scheduled = apps.get_model("mailing", "ScheduledSend")
        send_at = (
            scheduled.objects.filter(issue_id=issue.pk, status="scheduled").values_list("send_at", flat=True).first()
        )
        if send_at:
            candidates.append(send_at)
    return min(candidates) if candidates else None


def issues_due(now: datetime.datetime) -> list[Issue]:
    """Open issues due within TEAM_REMINDER_DAYS (or overdue and still not sent)."""
    horizon = now + datetime.timedelta(days=settings.TEAM_REMINDER_DAYS)
    query = Q(due_at__isnull=False)
    if apps.is_installed("curator.mailing"):
        query |= Q(scheduled_send__status="scheduled")
    found = []
    for issue in Issue.objects.filter(query, status__in=OPEN_STATUSES).distinct():
        when = due_at(issue)
        if when is not None and when <= horizon:
            found.append(issue)
    return found


def writers_due(issue: Issue) -> dict[int, list[Pick]]:
    """Member id -> the picks they claimed in `issue` and have not yet marked written."""
    by_user: dict[int, list[Pick]] = defaultdict(list)
    claims = Assignment.objects.filter(pick__issue=issue, state=Assignment.State.CLAIMED, writer__isnull=False)
    for claim in claims.select_related("pick").order_by("pick__section__position", "pick__position", "pick__id"):
        assert claim.writer_id is not None
        by_user[claim.writer_id].append(claim.pick)
    return dict(by_user)


@dataclass
class Digest:
    unclaimed: list[Pick] = field(default_factory=list)
    unwritten: list[Pick] = field(default_factory=list)
    failing: list[LinkCheck] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.unclaimed or self.unwritten or self.failing)


def digest_for(issue: Issue) -> Digest:
    picks = list(
        Pick.objects.filter(issue=issue).select_related("assignment__writer").order_by("section__position", "position")
    )
    return Digest(
        unclaimed=[p for p in picks if writing_state(p) == Assignment.State.UNCLAIMED],
        unwritten=[p for p in picks if writing_state(p) == Assignment.State.CLAIMED],
        failing=failing_checks(issue),
    )


def writing_state(pick: Pick) -> str:
    """A pick nobody claimed has no Assignment row yet (or one whose writer left): unclaimed."""
    claim = getattr(pick, "assignment", None)
    if claim is None or claim.writer_id is None:
        return Assignment.State.UNCLAIMED
    return claim.state


def editors() -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=DIGEST_GROUP)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _reserve(issue: Issue, user_id: int, kind: str, day: datetime.date) -> bool:
    """Write today's reminder row and its outbox message together; False when it exists already."""
    with transaction.atomic():
        reminder, created = TeamReminder.objects.get_or_create(issue=issue, user_id=user_id, kind=kind, day=day)
        if created:
            send_reminder.delay(reminder.pk)
    return created


def send_due(now: datetime.datetime | None = None) -> int:
    """Queue today's reminders for every issue coming due; returns how many were queued (each sent once)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    queued = 0
    User = get_user_model()
    for issue in issues_due(now):
        writers = writers_due(issue)
        reachable = User.objects.filter(pk__in=writers, is_active=True).exclude(email="")
        with_email = set(reachable.values_list("pk", flat=True))
        for user_id in writers:
            if user_id in with_email and _reserve(issue, user_id, TeamReminder.Kind.WRITER, day):
                queued += 1
        if not digest_for(issue).empty:
            for editor in editors():
                if _reserve(issue, editor.pk, TeamReminder.Kind.DIGEST, day):
                    queued += 1
    return queued


def issue_link(issue: Issue, pick: Pick | None = None) -> str:
    """The editors' way in: the issue page, at the pick's card when there is one."""
    url = settings.SITE_URL + reverse("admin:editions_issue_change", args=[issue.pk])
    return f"{url}#pick-{pick.pk}" if pick is not None else url


def my_picks_link(pick: Pick | None = None) -> str:
    """A writer's way in: My picks, where the entry, its drafts and the blurb box sit side by side
    (the issue page shows a Contributor the picks read-only)."""
    url = settings.SITE_URL + reverse("admin:team_my_picks")
    return f"{url}#my-pick-{pick.pk}" if pick is not None else url


def reminder_message(reminder: TeamReminder) -> EmailMessage | None:
    """The email for one reminder row, built from the picks as they are now; None when nothing is left to say."""
    issue, user = reminder.issue, reminder.user
    due = due_at(issue)
    context: dict = {
        "site_name": settings.SITE_NAME,
        "issue": issue,
        "issue_url": issue_link(issue),
        "due": timezone.localtime(due) if due else None,
        "name": user.get_full_name() or user.get_username(),
    }
    if reminder.kind == TeamReminder.Kind.WRITER:
        picks = writers_due(issue).get(user.pk, [])
        if not picks:
            return None  # written in the meantime
        context["picks"] = [(pick, my_picks_link(pick)) for pick in picks]
        context["my_picks_url"] = my_picks_link()
        template = "team/reminder"
    else:
        digest = digest_for(issue)
        if digest.empty:
            return None
        context.update(
            unclaimed=[(p, issue_link(issue, p)) for p in digest.unclaimed],
            unwritten=[(p, issue_link(issue, p)) for p in digest.unwritten],
            failing=[(c, issue_link(issue, c.pick)) for c in digest.failing],
        )
        template = "team/digest"
    subject = " ".join(render_to_string(f"{template}-subject.txt", context).split())
    body = render_to_string(f"{template}-body.txt", context)
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email])


def deliver(reminder_id: int) -> bool:
    """Send one reminder (called once per outbox hand-over by the task); True when an email went out."""
    reminder = TeamReminder.objects.select_related("issue", "user").filter(pk=reminder_id).first()
    if reminder is None or reminder.sent_at is not None:
        return False
    message = reminder_message(reminder)
    if message is None:
        return False
    message.send()
    TeamReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
    return True
