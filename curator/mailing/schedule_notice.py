"""The email that tells a publisher their scheduled send did not start, and why.

A refused schedule is otherwise seen only by someone who opens the issue page; the publisher who
chose the time expects the issue to be out and must learn that it is not.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from curator.mailing.models import ScheduledSend
from curator.mailing.schedule import zone_of


def send_refusal_notice(schedule_id: int) -> bool:
    """Email the refusal note to whoever scheduled the send; False when there is nobody to tell."""
    row = ScheduledSend.objects.select_related("issue", "scheduled_by").filter(pk=schedule_id).first()
    if row is None or row.status != ScheduledSend.Status.REFUSED or row.scheduled_by is None:
        return False
    to = row.scheduled_by.email
    if not to:
        return False
    when = timezone.localtime(row.send_at, zone_of(row))
    page = f"{settings.SITE_URL}{reverse('admin:editions_issue_change', args=[row.issue_id])}"
    body = (
        f"The send of “{row.issue}” you scheduled for {when:%Y-%m-%d %H:%M} ({row.time_zone}) did not start.\n\n"
        f"{row.note}\n\nThe issue: {page}\n"
    )
    send_mail(f"Scheduled send not started: {row.issue}", body, settings.DEFAULT_FROM_EMAIL, [to])
    return True
