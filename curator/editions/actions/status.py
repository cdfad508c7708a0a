"""Issue status: draft -> ready -> sending -> sent (ready may go back to draft)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from curator.editions.acceptance import record_issue_acceptance
from curator.editions.actions.locks import lock_issue
from curator.editions.fingerprint import content_fingerprint
from curator.editions.models import Issue, WorkflowError
from curator.editions.status_signals import status_changed

S = Issue.Status
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.READY},
    S.READY: {S.DRAFT, S.SENDING},
    S.SENDING: {S.SENT},
    S.SENT: set(),
}


class TransitionNotAllowed(WorkflowError):
    pass


class EmptyIssue(WorkflowError):
    pass


@transaction.atomic
def transition(issue: Issue, target: str, user: User | None = None) -> Issue:
    """Move the issue to `target`, or raise a WorkflowError saying why not.

    `user` is checked when given: only holders of editions.send_issue may start a send.
    """
    locked = lock_issue(issue)
    if target not in TRANSITIONS.get(locked.status, set()):
        raise TransitionNotAllowed(f"“{locked}” cannot go from {locked.status} to {target}.")
    if target == S.SENDING and user is not None and not user.has_perm("editions.send_issue"):
        raise PermissionDenied("Only publishers may send an issue.")
    if target in (S.READY, S.SENDING) and not locked.picks.exists():
        raise EmptyIssue(f"“{locked}” has no picks yet: add some before marking it {target}.")
    previous = locked.status
    locked.status = target
    fields = ["status", "updated_at"]
    if target == S.SENT:
        locked.sent_at = timezone.now()
        fields.append("sent_at")
    if target in (S.READY, S.DRAFT):  # what was approved as ready; a draft has approved nothing
        locked.ready_fingerprint = content_fingerprint(locked) if target == S.READY else ""
        fields.append("ready_fingerprint")
    locked.save(update_fields=fields)
    status_changed.send(sender=Issue, issue_id=locked.pk, previous=previous, current=target)
    issue.status, issue.sent_at = locked.status, locked.sent_at
    if target == S.SENDING:  # the blurbs are final now; how much of each draft survived is recorded once
        transaction.on_commit(lambda: record_issue_acceptance(locked.pk), robust=True)
    return issue
