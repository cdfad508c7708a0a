"""The issue row lock every content change and every status change takes first."""

from __future__ import annotations

from curator.editions.models import Issue, IssueLocked


def lock_issue(issue: Issue) -> Issue:
    """The issue row, locked until the surrounding transaction ends."""
    return Issue.objects.select_for_update().get(pk=issue.pk)


def lock_editable(issue_id: int) -> Issue:
    """The locked issue row, or IssueLocked once a send has started: its content is frozen then."""
    locked = Issue.objects.select_for_update().get(pk=issue_id)
    if locked.is_locked:
        raise IssueLocked(f"“{locked}” is {locked.status}: its content can no longer change.")
    return locked
