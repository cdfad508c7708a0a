"""Shortlisting and rejecting entries in bulk."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from curator.feeds.models import Entry

SETTABLE = {Entry.Triage.NEW, Entry.Triage.SHORTLISTED, Entry.Triage.REJECTED}


@dataclass
class TriageResult:
    changed: int
    skipped_picked: int


def set_triage(entries: QuerySet[Entry], status: str) -> TriageResult:
    """Picked entries are left alone: removing the pick from its issue is how they leave `picked`."""
    if status not in SETTABLE:
        raise ValueError(f"{status!r} cannot be set by triage; picks set `picked` themselves")
    # The admin hands over annotated querysets; a plain id filter keeps the UPDATE simple.
    rows = Entry.objects.filter(pk__in=list(entries.values_list("pk", flat=True)))
    picked = rows.filter(triage=Entry.Triage.PICKED).count()
    changed = (
        rows.exclude(triage=Entry.Triage.PICKED).exclude(triage=status).update(triage=status, updated_at=timezone.now())
    )
    return TriageResult(changed=changed, skipped_picked=picked)
