"""The editorial rules, as plain functions the admin, the mailing app and the tests all call.

Status moves draft -> ready -> sending -> sent (ready may go back to draft). Content is frozen from
`sending` on. Every function that changes an issue's content takes the issue row lock first, so
an editor's save cannot interleave with a publisher starting the send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from curator.editions import events
from curator.editions.acceptance import record_issue_acceptance
from curator.editions.drafts import best_draft_text
from curator.editions.featured import was_featured
from curator.editions.fingerprint import content_fingerprint
from curator.editions.models import Issue, IssueLocked, Pick, Section, WorkflowError
from curator.editions.status_signals import status_changed
from curator.feeds.models import Entry
from summarizer.acceptance import record_choice
from summarizer.models import Draft

__all__ = [
    "AddResult",
    "EmptyIssue",
    "IssueLocked",
    "TransitionNotAllowed",
    "WorkflowError",
    "add_entries_to_issue",
    "display_name",
    "move_pick",
    "move_section",
    "next_position",
    "release_entries",
    "remove_pick",
    "transition",
    "use_draft",
]

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


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")().strip()
    return full or user.get_username()


def lock_issue(issue: Issue) -> Issue:
    """The issue row, locked until the surrounding transaction ends."""
    return Issue.objects.select_for_update().get(pk=issue.pk)


def lock_editable(issue_id: int) -> Issue:
    locked = Issue.objects.select_for_update().get(pk=issue_id)
    if locked.is_locked:
        raise IssueLocked(f"“{locked}” is {locked.status}: its content can no longer change.")
    return locked


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


def next_position(section: Section) -> int:
    current = Pick.objects.filter(section=section).aggregate(top=Max("position"))["top"]
    return 0 if current is None else current + 1


@dataclass
class AddResult:
    added: list[Pick] = field(default_factory=list)
    already_in_issue: list[Entry] = field(default_factory=list)
    featured_before: list[Entry] = field(default_factory=list)


@transaction.atomic
def add_entries_to_issue(entries: Iterable[Entry], issue: Issue, section: Section, user: User | None) -> AddResult:
    """Turn entries into picks at the end of `section`, prefilled from the entry and its best draft.

    Entries already in this issue are skipped (reported, not duplicated); entries that went out in
    an earlier issue are added but reported so the editor sees the warning.
    """
    locked = lock_editable(issue.pk)
    if section.issue_id != locked.pk:
        raise WorkflowError(f"Section “{section}” belongs to another issue.")
    ids = list(dict.fromkeys(entry.pk for entry in entries))
    rows = Entry.objects.filter(pk__in=ids).annotate(best_text=best_draft_text(), featured=was_featured())
    by_id = {row.pk: row for row in rows}
    present = set(Pick.objects.filter(issue=locked, entry_id__in=ids).values_list("entry_id", flat=True))
    result = AddResult()
    position, byline = next_position(section), display_name(user)
    for entry_id in ids:
        entry = by_id.get(entry_id)
        if entry is None:
            continue  # deleted between the editor's selection and now
        if entry.pk in present:
            result.already_in_issue.append(entry)
            continue
        if entry.featured:
            result.featured_before.append(entry)
        result.added.append(
            Pick(
                issue=locked,
                section=section,
                entry=entry,
                title=entry.title[:1000],
                url=(entry.url or entry.canonical_url)[:2000],
                blurb=entry.best_text or "",
                byline=byline,
                position=position,
            )
        )
        position += 1
    Pick.objects.bulk_create(result.added)
    Entry.objects.filter(pk__in=[pick.entry_id for pick in result.added]).update(
        triage=Entry.Triage.PICKED, updated_at=timezone.now()
    )
    events.picks_added.send(sender=Pick, pick_ids=[pick.pk for pick in result.added])
    return result


@transaction.atomic
def remove_pick(pick: Pick) -> None:
    """Delete the pick; its entry goes back to the shortlist (see release_entries)."""
    lock_editable(pick.issue_id)
    pick.delete()


def release_entries(entry_ids: Iterable[int]) -> int:
    """Entries no longer in any issue return to `shortlisted`: the editor chose them once."""
    still_picked = Exists(Pick.objects.filter(entry=OuterRef("pk")))
    return (
        Entry.objects.filter(pk__in=[pk for pk in entry_ids if pk], triage=Entry.Triage.PICKED)
        .filter(~still_picked)
        .update(triage=Entry.Triage.SHORTLISTED, updated_at=timezone.now())
    )


def _renumber(rows: list, moved_pk: int, direction: int) -> list:
    """Swap the moved row with its neighbour and return the rows whose position changed."""
    index = next(i for i, row in enumerate(rows) if row.pk == moved_pk)
    target = index + direction
    if 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    changed = []
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            changed.append(row)
    return changed


@transaction.atomic
def move_pick(pick: Pick, direction: int) -> None:
    """Up (-1) or down (+1) by one place; past a section's edge it moves into the neighbouring section."""
    locked = lock_editable(pick.issue_id)
    pick = Pick.objects.get(pk=pick.pk)
    siblings = list(Pick.objects.filter(section_id=pick.section_id).order_by("position", "id"))
    index = next(i for i, row in enumerate(siblings) if row.pk == pick.pk)
    if 0 <= index + direction < len(siblings):
        Pick.objects.bulk_update(_renumber(siblings, pick.pk, direction), ["position"])
        return
    sections = list(locked.sections.order_by("position", "id"))
    s_index = next(i for i, row in enumerate(sections) if row.pk == pick.section_id)
    if not 0 <= s_index + direction < len(sections):
        return  # already first (or last) of the whole issue
    neighbour = sections[s_index + direction]
    others = list(Pick.objects.filter(section=neighbour).order_by("position", "id"))
    others = [*others, pick] if direction < 0 else [pick, *others]
    pick.section = neighbour
    for position, row in enumerate(others):
        row.position = position
    Pick.objects.bulk_update(others, ["position", "section"])


@transaction.atomic
def move_section(section: Section, direction: int) -> None:
    lock_editable(section.issue_id)
    rows = list(Section.objects.filter(issue_id=section.issue_id).order_by("position", "id"))
    Section.objects.bulk_update(_renumber(rows, section.pk, direction), ["position"])


@transaction.atomic
def use_draft(pick: Pick, draft: Draft, user: User | None = None) -> Pick:
    """One click: the draft's text becomes the blurb, which the editor then polishes. The click is recorded."""
    lock_editable(pick.issue_id)
    if not pick.entry_id or draft.entry_id != pick.entry_id:
        raise WorkflowError("That draft was written for another entry.")
    pick.blurb = draft.text
    pick.save(update_fields=["blurb"])
    record_choice(draft, user)
    return pick
