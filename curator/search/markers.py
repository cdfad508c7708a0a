"""What an editor needs to know about each staff hit: picked when and by whom, rejected, or in a draft.

Three queries whatever the number of hits (picks of the hit entries, their issues, the entries' triage).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.formats import date_format

from curator.editions.models import Issue, Pick
from curator.feeds.models import Entry
from curator.search.query import Hit


def _pick_label(issue: Issue, byline: str) -> str:
    if issue.status == Issue.Status.SENT:
        when = date_format(issue.month, "F Y")
        return f"picked in {when} by {byline}" if byline else f"picked in {when}"
    return "in this month's draft" if issue.status == Issue.Status.DRAFT else f"in the {issue.status} issue"


def mark(hits: list[Hit]) -> dict[tuple[str, int], str]:
    """(kind, id) -> a short plain-words label for each hit."""
    entry_ids = {h.entry_id for h in hits if h.entry_id}
    pick_ids = {h.id for h in hits if h.kind == "pick"}
    # One OR query, not a UNION: SQLite (the demo) refuses the ordered subqueries a union of Picks makes.
    picks = (
        list(Pick.objects.filter(Q(entry_id__in=entry_ids) | Q(pk__in=pick_ids)).order_by("-issue_id"))
        if entry_ids or pick_ids
        else []
    )
    issue_ids = {p.issue_id for p in picks} | {h.id for h in hits if h.kind == "issue"}
    issues = Issue.objects.in_bulk(issue_ids)
    triage = dict(Entry.objects.filter(pk__in=entry_ids).values_list("pk", "triage"))
    by_pick = {p.pk: p for p in picks}
    latest_pick_of_entry: dict[int, Pick] = {}
    for pick in picks:  # newest issue first
        if pick.entry_id:
            latest_pick_of_entry.setdefault(pick.entry_id, pick)
    labels: dict[tuple[str, int], str] = {}
    for hit in hits:
        if hit.kind == "issue":
            issue = issues.get(hit.id)
            labels[("issue", hit.id)] = (
                f"sent {date_format(issue.sent_at, 'j F Y')}" if issue and issue.sent_at else "issue not sent yet"
            )
            continue
        found = by_pick.get(hit.id) if hit.kind == "pick" else latest_pick_of_entry.get(hit.id)
        if found is not None and found.issue_id in issues:
            labels[(hit.kind, hit.id)] = _pick_label(issues[found.issue_id], found.byline)
        elif hit.kind == "entry":
            state = triage.get(hit.id, Entry.Triage.NEW)
            labels[("entry", hit.id)] = "not decided yet" if state == Entry.Triage.NEW else str(state)
    return labels
