"""Countdowns to scheduled sends, for the admin dashboard and the issue page."""

from __future__ import annotations

from django import template
from django.utils import timezone

from curator.editions.models import Issue
from curator.mailing import schedule, scheduler
from curator.mailing.models import ScheduledSend

register = template.Library()


def _view(row: ScheduledSend) -> dict:
    return {
        "row": row,
        "issue": row.issue,
        "local": timezone.localtime(row.send_at, schedule.zone_of(row)),
        "iso": row.send_at.isoformat(),
    }


@register.inclusion_tag("admin/mailing/_scheduled_sends.html")
def scheduled_sends() -> dict:
    """Every pending scheduled send, soonest first (dashboard)."""
    rows = (
        ScheduledSend.objects.filter(status=ScheduledSend.Status.SCHEDULED)
        .exclude(issue__status__in=Issue.LOCKED_STATUSES)  # sent by hand meanwhile; the tick will cancel it
        .select_related("issue")
    )
    views = [_view(row) for row in rows.order_by("send_at")]
    return {"schedules": views, "scheduler_running": scheduler.is_running() if views else True}


@register.inclusion_tag("admin/mailing/_issue_schedule.html", takes_context=True)
def issue_schedule(context: template.Context, issue_id: int) -> dict:
    """The issue page's line: pending countdown, or why the last scheduled send was refused."""
    row = ScheduledSend.objects.filter(issue_id=issue_id).select_related("issue").first()
    user = context.get("user")
    pending = row is not None and row.status == ScheduledSend.Status.SCHEDULED
    return {
        "schedule": _view(row) if row is not None else None,
        "scheduler_running": scheduler.is_running() if pending else True,
        "can_send": bool(user and user.has_perm("editions.send_issue")),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("admin/mailing/_scheduler_warning.html")
def scheduler_warning() -> dict:
    """The line every schedule shows when nothing has started scheduled sends lately."""
    return {"scheduler_running": scheduler.is_running(), "last_run": scheduler.last_run()}
