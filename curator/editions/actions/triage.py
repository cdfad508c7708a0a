"""An entry's triage: new, shortlisted, rejected, picked. Every decision asks for the ranking refit.

The refit goes through the outbox (`request_refit`), so inside a transaction it is only queued
once the decision is committed. Releasing an entry whose last pick was removed is not an editor's
decision and asks for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from curator.editions.models import Pick
from curator.feeds.models import Entry
from curator.ranking import scoring
from curator.ranking.refit import request_refit

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
    request_refit()
    return TriageResult(changed=changed, skipped_picked=picked)


def decide(entry: Entry, target: str) -> None:
    """One desk decision on an entry the caller has locked and checked."""
    Entry.objects.filter(pk=entry.pk).update(triage=target, updated_at=timezone.now())
    request_refit()


def restore(entry: Entry, previous: str) -> None:
    """Undo a desk decision; an entry that is new again gets its relevance and "like" line at once."""
    Entry.objects.filter(pk=entry.pk).update(triage=previous, updated_at=timezone.now())
    scoring.score_entries([entry.pk])
    request_refit()


def restore_after_removal(entry: Entry, previous: str) -> str:
    """After undoing an add: a released (shortlisted) entry goes back to what it was before the add."""
    if entry.triage == Entry.Triage.SHORTLISTED:
        Entry.objects.filter(pk=entry.pk).update(triage=previous, updated_at=timezone.now())
        entry.triage = previous
    scoring.score_entries([entry.pk])  # only writes when the entry is new again
    request_refit()
    return entry.triage


def mark_picked(entry_ids: list[int | None]) -> None:
    """Entries just added to an issue: choosing them is the strongest signal the ranking gets."""
    Entry.objects.filter(pk__in=[pk for pk in entry_ids if pk is not None]).update(
        triage=Entry.Triage.PICKED, updated_at=timezone.now()
    )
    if entry_ids:
        request_refit()


def release_entries(entry_ids: Iterable[int]) -> int:
    """Entries no longer in any issue return to `shortlisted`: the editor chose them once."""
    still_picked = Exists(Pick.objects.filter(entry=OuterRef("pk")))
    return (
        Entry.objects.filter(pk__in=[pk for pk in entry_ids if pk], triage=Entry.Triage.PICKED)
        .filter(~still_picked)
        .update(triage=Entry.Triage.SHORTLISTED, updated_at=timezone.now())
    )
