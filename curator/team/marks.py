"""What the pages show next to an entry or a pick: who suggested it (and why), who voted, who writes it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from curator.editions.models import Issue, Pick
from curator.team.models import Assignment, Suggestion, Vote


def name_of(user: Any) -> str:
    """The member's byline; needs `user__team_member` selected to stay one query."""
    member = getattr(user, "team_member", None)
    if member is not None:
        return member.byline
    return user.get_full_name() or user.get_username()


@dataclass
class EntryMarks:
    suggestions: list[Suggestion] = field(default_factory=list)
    voters: list[str] = field(default_factory=list)
    voter_ids: set[int] = field(default_factory=set)

    @property
    def suggested(self) -> bool:
        return bool(self.suggestions)


def entry_marks(entry_ids: list[int]) -> dict[int, EntryMarks]:
    """Marks of many entries in two queries."""
    marks: dict[int, EntryMarks] = defaultdict(EntryMarks)
    for suggestion in Suggestion.objects.filter(entry_id__in=entry_ids).select_related("user__team_member"):
        marks[suggestion.entry_id].suggestions.append(suggestion)
    for vote in Vote.objects.filter(entry_id__in=entry_ids).select_related("user__team_member"):
        marks[vote.entry_id].voters.append(name_of(vote.user))
        marks[vote.entry_id].voter_ids.add(vote.user_id)
    return dict(marks)


def suggested_first(entries: list[Any]) -> list[Any]:
    """Suggested entries ahead of the rest, each group keeping its ranked order."""
    ids = set(Suggestion.objects.filter(entry_id__in=[e.pk for e in entries]).values_list("entry_id", flat=True))
    return [e for e in entries if e.pk in ids] + [e for e in entries if e.pk not in ids]


@dataclass
class Progress:
    name: str
    user_id: int | None
    written: int
    total: int

    @property
    def line(self) -> str:
        return f"{self.name}: {self.written} of {self.total} written"


DONE = (Assignment.State.WRITTEN, Assignment.State.APPROVED)


def progress(issue: Issue) -> list[Progress]:
    """Per writer, how many of their picks are written; unclaimed picks last, as one line."""
    counts: dict[int | None, list[int]] = {}
    names: dict[int | None, str] = {None: "Nobody yet"}
    picks = Pick.objects.filter(issue=issue).select_related("assignment__writer__team_member")
    for pick in picks:
        assignment = getattr(pick, "assignment", None)
        writer = assignment.writer if assignment and assignment.writer_id else None
        key = writer.pk if writer else None
        if writer:
            names[key] = name_of(writer)
        tally = counts.setdefault(key, [0, 0])
        tally[1] += 1
        tally[0] += int(bool(assignment and assignment.state in DONE))
    rows = [Progress(names[k], k, v[0], v[1]) for k, v in counts.items() if k is not None]
    rows.sort(key=lambda row: row.name.lower())
    if None in counts:
        rows.append(Progress(names[None], None, counts[None][0], counts[None][1]))
    return rows


def my_picks(user: Any) -> list[Pick]:
    """Picks `user` claimed in issues still being edited, this month's first."""
    editable = Issue.EDITABLE_STATUSES
    return list(
        Pick.objects.filter(assignment__writer=user, issue__status__in=editable)
        .select_related("issue", "section", "entry", "assignment")
        .order_by("-issue__month", "section__position", "position", "id")
    )
