"""The issue page's ordinary save: the editor's fields, never the status the page was loaded with."""

from __future__ import annotations

from collections.abc import Iterable

from curator.editions.actions.locks import lock_editable
from curator.editions.models import Issue


def save_issue_fields(issue: Issue, fields: Iterable[str]) -> Issue:
    """Write only `fields` of `issue`, under the issue row lock.

    The page was read before the lock; a send that started since then raises IssueLocked here
    instead of being overwritten back to ready. The status columns are taken from the locked row,
    so the caller's instance does not go on holding a stale status.
    """
    locked = lock_editable(issue.pk)
    issue.status, issue.sent_at, issue.ready_fingerprint = locked.status, locked.sent_at, locked.ready_fingerprint
    issue.save(update_fields=[*dict.fromkeys(fields), "updated_at"])
    return issue
