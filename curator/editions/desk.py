"""The triage desk: one entry at a time, decided from the keyboard.

The queue is what is still to triage: entries marked `new`, published or fetched in the last
week (or all of them, when the editor asks), most likely pick first. Every decision names the
triage state the editor saw; when someone else changed the entry meanwhile, nothing is written and
the editor is told what it is now, instead of one editor's decision silently overwriting another's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from curator.editions import workflow
from curator.editions.actions import triage
from curator.editions.drafts import best_draft_text
from curator.editions.featured import featured_in_title
from curator.editions.models import Issue, Pick, Section, WorkflowError
from curator.feeds.models import Entry
from curator.feeds.web_urls import NotWebURL, web_url_parts
from curator.lib.clip import clip
from curator.outbox import handover
from curator.ranking.admin import RELEVANCE_ORDERING
from curator.ranking.stories import related
from summarizer import tasks as summarizer_tasks
from summarizer.models import DecodingProfile

WINDOW = datetime.timedelta(days=7)
QUEUE_LIMIT = 200  # the list shows this many; the counter still counts them all
EXCERPT_CHARS = 1500
WEEK, ALL = "week", "all"
TRIAGE_OF = {"shortlist": Entry.Triage.SHORTLISTED, "reject": Entry.Triage.REJECTED}
ACTIONS = (*TRIAGE_OF, "add", "redraft")
# Section titles that suit each kind of entry, matched case-insensitively as parts of the title.
SECTION_WORDS: dict[str, tuple[str, ...]] = {Entry.Kind.PAPER: ("paper",), Entry.Kind.POST: ("blog", "post")}


class Conflict(WorkflowError):
    """The entry is no longer in the state the editor decided on."""

    def __init__(self, entry: Entry, text: str) -> None:
        super().__init__(text)
        self.triage = entry.triage


@dataclass
class Outcome:
    entry_id: int
    action: str
    triage: str
    message: str
    warning: bool = False
    undo: dict[str, Any] | None = None  # what the desk sends back to revert this decision


@dataclass
class EntryDetail:
    entry: Entry
    authors: list[str]
    excerpt: str
    link: str  # the original, when it is a web URL; "" otherwise (never a javascript: href)
    story: list[Entry] = field(default_factory=list)


def queue(scope: str = WEEK, now: datetime.datetime | None = None) -> QuerySet[Entry]:
    """Untriaged entries, most likely pick first; `week` keeps those published or fetched lately."""
    rows = Entry.objects.filter(triage=Entry.Triage.NEW)
    if scope != ALL:
        since = (now or timezone.now()) - WINDOW
        # An arXiv paper fetched today may carry last month's date: fetching it counts as new too.
        rows = rows.filter(Q(published_at__gte=since) | Q(created_at__gte=since))
    return rows.order_by(*RELEVANCE_ORDERING)


def queue_items(scope: str = WEEK) -> list[Entry]:
    """The desk's list in one query, however long the queue."""
    return list(queue(scope).select_related("source", "relevance")[:QUEUE_LIMIT])


def remaining(scope: str = WEEK) -> int:
    return queue(scope).count()


def authors_of(entry: Entry) -> list[str]:
    """Feeds store names; older rows or other parsers may have left dicts with a name."""
    if not isinstance(entry.authors, list):
        return [str(entry.authors)] if entry.authors else []
    names = [str(a.get("name", "")) if isinstance(a, dict) else str(a) for a in entry.authors]
    return [name.strip() for name in names if name and name.strip()]


def excerpt_of(entry: Entry) -> str:
    text = (entry.abstract or entry.full_text or "").strip()
    return clip(text, EXCERPT_CHARS)


def web_link(entry: Entry) -> str:
    url = entry.url or entry.canonical_url
    try:
        web_url_parts(url)
    except NotWebURL:
        return ""
    return url


def detail(entry_id: int) -> EntryDetail:
    """Everything the desk shows about one entry, in three queries; Entry.DoesNotExist for a bad id."""
    entry = (
        Entry.objects.select_related("source", "relevance")
        .annotate(desk_best_draft=best_draft_text(), desk_featured_in=featured_in_title())
        .get(pk=entry_id)
    )
    siblings = related(entry.pk)
    story = list(Entry.objects.filter(pk__in=siblings).select_related("source").order_by("pk")) if siblings else []
    return EntryDetail(
        entry=entry, authors=authors_of(entry), excerpt=excerpt_of(entry), link=web_link(entry), story=story
    )


def issue_in_progress() -> Issue | None:
    """The newest issue still being edited: where "add" puts an entry."""
    editable = Issue.EDITABLE_STATUSES
    return Issue.objects.filter(status__in=editable).order_by("-month", "-id").first()


def section_for(issue: Issue, entry: Entry) -> Section | None:
    """The section its source names as usual (`section_hint`), else one named for the entry's kind
    ("Papers", "Blog posts"), else the first one."""
    sections = list(Section.objects.filter(issue=issue).order_by("position", "id"))
    hint = entry.source.section_hint.strip().lower()
    hinted = [s for s in sections if hint and s.title.strip().lower() == hint]
    words = SECTION_WORDS.get(entry.kind, ())
    matching = [s for s in sections if any(word in s.title.lower() for word in words)]
    chosen = hinted or matching or sections
    return chosen[0] if chosen else None


def _short(title: str) -> str:
    return clip(title, 120)


def _conflict(entry: Entry) -> Conflict:
    text = f"“{_short(entry.title)}” was changed by someone else meanwhile: it is {entry.triage} now."
    return Conflict(entry, text + " Nothing was changed.")


def decide(entry_id: int, action: str, seen: str, user: User | None) -> Outcome:
    """Apply one desk decision; `seen` is the triage state the editor was looking at."""
    if action == "redraft":
        return redraft(entry_id)
    if action in TRIAGE_OF:
        return _set_triage(entry_id, TRIAGE_OF[action], action, seen)
    if action == "add":
        return _add(entry_id, seen, user)
    raise WorkflowError(f"Unknown decision {action!r}.")


@transaction.atomic
def _set_triage(entry_id: int, target: str, action: str, seen: str) -> Outcome:
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if entry.triage != seen:
        raise _conflict(entry)
    if entry.triage == Entry.Triage.PICKED:
        raise WorkflowError(f"“{_short(entry.title)}” is in an issue: remove it there first.")
    triage.decide(entry, target)
    return Outcome(
        entry.pk, action, target, f"“{_short(entry.title)}” {target}.", undo={"action": action, "previous": seen}
    )


@transaction.atomic
def _add(entry_id: int, seen: str, user: User | None) -> Outcome:
    issue = issue_in_progress()
    if issue is None:
        raise WorkflowError("There is no issue being edited: create one first.")
    workflow.lock_editable(issue.pk)  # the issue before the entry, in the order add_entries_to_issue takes them
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if entry.triage != seen:
        raise _conflict(entry)
    section = section_for(issue, entry)
    if section is None:
        raise WorkflowError(f"“{issue}” has no sections: add one first.")
    result = workflow.add_entries_to_issue([entry], issue, section, user)
    if not result.added:
        raise WorkflowError(f"“{_short(entry.title)}” is already in “{issue}”.")
    text = f"“{_short(entry.title)}” added to “{section}” in “{issue}”."
    if result.featured_before:
        text += " It was already featured in an earlier issue."
    undo = {"action": "add", "previous": seen, "pick": result.added[0].pk}
    return Outcome(entry.pk, "add", Entry.Triage.PICKED, text, warning=bool(result.featured_before), undo=undo)


def redraft(entry_id: int) -> Outcome:
    """Queued through the outbox like the entry page's Draft again, with the default profile.

    Not inside a transaction of its own, so the outbox has tried the broker by the time the
    message is written and can say truthfully whether the work is queued or waiting.
    """
    entry = Entry.objects.get(pk=entry_id)
    profile = DecodingProfile.chosen_or_default(None)
    with handover.watch() as queued:
        summarizer_tasks.draft_blurb.delay(entry.pk, profile.pk, True)
    text = queued.note(f"Drafting “{_short(entry.title)}” again with profile “{profile.name}”.")
    return Outcome(entry.pk, "redraft", entry.triage, text, warning=not queued.handed_over)


def undo(entry_id: int, action: str, previous: str, pick_id: int | None = None) -> Outcome:
    """Revert one desk decision, if the entry is still as that decision left it."""
    if previous not in (Entry.Triage.NEW, Entry.Triage.SHORTLISTED, Entry.Triage.REJECTED):
        raise WorkflowError(f"Cannot go back to {previous!r}.")
    if action in TRIAGE_OF:
        return _undo_triage(entry_id, TRIAGE_OF[action], previous)
    if action == "add":
        return _undo_add(entry_id, previous, pick_id)
    raise WorkflowError(f"Nothing to undo for {action!r}.")


@transaction.atomic
def _undo_triage(entry_id: int, decided: str, previous: str) -> Outcome:
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    if entry.triage != decided:
        raise _conflict(entry)
    triage.restore(entry, previous)
    return Outcome(entry.pk, "undo", previous, f"Undone: “{_short(entry.title)}” is {previous} again.")


@transaction.atomic
def _undo_add(entry_id: int, previous: str, pick_id: int | None) -> Outcome:
    pick = Pick.objects.filter(pk=pick_id, entry_id=entry_id).first() if pick_id else None
    if pick is None:
        entry = Entry.objects.get(pk=entry_id)
        raise Conflict(entry, f"“{_short(entry.title)}” is no longer in that issue: nothing to undo.")
    workflow.remove_pick(pick)  # locks the issue, refuses a sent one; the entry is released to `shortlisted`
    entry = Entry.objects.select_for_update().get(pk=entry_id)
    triage.restore_after_removal(entry, previous)
    text = f"Undone: “{_short(entry.title)}” removed from the issue, {entry.triage} again."
    return Outcome(entry.pk, "undo", entry.triage, text)
