"""The editorial rules, as plain functions the admin, the mailing app and the tests all call.

Status moves draft -> ready -> sending -> sent (ready may go back to draft). Content is frozen from
`sending` on. Every function that changes an issue's content takes the issue row lock first, so
an editor's save cannot interleave with a publisher starting the send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction

from curator.editions import events
from curator.editions.actions import triage
from curator.editions.actions.locks import lock_editable, lock_issue
from curator.editions.actions.positions import move_pick, move_section, next_position
from curator.editions.actions.status import TRANSITIONS, EmptyIssue, TransitionNotAllowed, transition
from curator.editions.actions.triage import release_entries
from curator.editions.drafts import best_draft_text
from curator.editions.featured import was_featured
from curator.editions.models import Issue, IssueLocked, Pick, Section, WorkflowError
from curator.feeds.models import Entry
from summarizer.acceptance import record_choice
from summarizer.models import Draft

__all__ = [
    "TRANSITIONS",
    "AddResult",
    "EmptyIssue",
    "IssueLocked",
    "TransitionNotAllowed",
    "WorkflowError",
    "add_entries_to_issue",
    "display_name",
    "lock_editable",
    "lock_issue",
    "move_pick",
    "move_section",
    "next_position",
    "release_entries",
    "remove_pick",
    "transition",
    "use_draft",
]


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    full = getattr(user, "get_full_name", lambda: "")().strip()
    return full or user.get_username()


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
    triage.mark_picked([pick.entry_id for pick in result.added])
    events.picks_added.send(sender=Pick, pick_ids=[pick.pk for pick in result.added])
    return result


@transaction.atomic
def remove_pick(pick: Pick) -> None:
    """Delete the pick; its entry goes back to the shortlist (see release_entries)."""
    lock_editable(pick.issue_id)
    pick.delete()


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
