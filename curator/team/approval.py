"""Sign-off: with TEAM_REQUIRE_APPROVAL on, a second Publisher approves the issue before it goes out.

Four eyes on what goes to every subscriber: whoever marked the issue ready cannot also approve it.
An approval covers the content it saw, recorded as the content fingerprint (editions/fingerprint.py);
any later change to what readers receive makes the fingerprints differ, which clears the approval,
and the issue page says so. Mark ready lives here too, because it records who marked the issue
ready and runs the link check first (linkcheck.guard_ready).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from curator.editions import workflow
from curator.editions.fingerprint import content_fingerprint
from curator.editions.models import Issue, WorkflowError
from curator.team import linkcheck

SEND_PERMISSION = "editions.send_issue"
APPROVAL_FIELDS = ["approved_by", "approved_at", "approved_fingerprint", "approval_cleared_note"]


class ApprovalMissing(WorkflowError):
    """Sending or scheduling an issue that nobody (else) has approved."""


def approval_required() -> bool:
    return settings.TEAM_REQUIRE_APPROVAL


def mark_ready(issue: Issue, user: User | None, override_note: str = "") -> list[linkcheck.LinkResult]:
    """Check the links, then move the issue to ready and remember who did it (and any override note)."""
    results = linkcheck.guard_ready(issue, override_note)
    with transaction.atomic():
        workflow.transition(issue, Issue.Status.READY, user=user)
        dead = any(not r.ok for r in results)
        Issue.objects.filter(pk=issue.pk).update(
            ready_by=user if user is not None and user.pk else None,
            link_override_note=override_note.strip()[:500] if dead else "",
            **_cleared(""),
        )
    return results


def _cleared(note: str) -> dict:
    return {"approved_by": None, "approved_at": None, "approved_fingerprint": "", "approval_cleared_note": note}


@transaction.atomic
def approve(issue: Issue, user: User) -> Issue:
    """Record `user`'s approval of the content as it is now."""
    if not user.has_perm(SEND_PERMISSION):
        raise PermissionDenied("Only publishers may approve an issue.")
    locked = workflow.lock_issue(issue)
    if locked.status != Issue.Status.READY:
        raise WorkflowError(f"“{locked}” is {locked.status}: only a ready issue can be approved.")
    if locked.ready_by_id is not None and locked.ready_by_id == user.pk:
        raise WorkflowError("You marked this issue ready: another publisher must approve it.")
    locked.approved_by = user
    locked.approved_at = timezone.now()
    locked.approved_fingerprint = content_fingerprint(locked)
    locked.approval_cleared_note = ""
    locked.save(update_fields=[*APPROVAL_FIELDS, "updated_at"])
    return locked


def clear_if_changed(issue: Issue) -> str:
    """Clear an approval whose content has changed since; return the note saying so ("" when nothing changed)."""
    row = Issue.objects.filter(pk=issue.pk).values("approved_fingerprint", "approved_by_id").first()
    if not row or not row["approved_fingerprint"] or row["approved_fingerprint"] == content_fingerprint(issue.pk):
        return ""
    from django.contrib.auth import get_user_model

    approver = get_user_model().objects.filter(pk=row["approved_by_id"]).first()
    who = workflow.display_name(approver) or "a publisher"
    note = f"The approval by {who} was cleared: the content changed after it."
    Issue.objects.filter(pk=issue.pk, approved_fingerprint=row["approved_fingerprint"]).update(**_cleared(note))
    return note


def is_approved(issue: Issue) -> bool:
    clear_if_changed(issue)
    return bool(Issue.objects.filter(pk=issue.pk).exclude(approved_fingerprint="").exists())


def assert_can_send(issue: Issue) -> None:
    """Raise ApprovalMissing when sign-off is required and the current content has none."""
    if not approval_required() or is_approved(issue):
        return
    row = Issue.objects.select_related("ready_by").get(pk=issue.pk)
    cleared = f"{row.approval_cleared_note} " if row.approval_cleared_note else ""
    who = workflow.display_name(row.ready_by)
    other = f"other than {who} " if who else ""
    raise ApprovalMissing(f"{cleared}A publisher {other}must approve “{row}” before it is sent or scheduled.")


def forget_on_draft(sender: object, issue_id: int, previous: str, current: str, **kwargs: object) -> None:
    """Back to draft approves nothing: the next Mark ready starts the sign-off again."""
    if current == Issue.Status.DRAFT:
        Issue.objects.filter(pk=issue_id).update(ready_by=None, link_override_note="", **_cleared(""))
