"""What *Fetch now* did, when it already ran: the eager demo fetches inside the request.

Without a broker the fetch, the drafts and the ranking all run before the page answers; saying
"Queued" then was false. Once every selected source has an admin-triggered run that started after
the click, the message says what happened instead; otherwise the work is still queued and it says so.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from curator.feeds.models import Entry, IngestRun
from curator.lib.clip import clip
from curator.lib.plural import counted


@dataclass
class FetchReport:
    names: list[str]
    new_entry_ids: list[int] = field(default_factory=list)
    updated: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (source name, first error)


def finished(source_ids: list[int], since: datetime.datetime) -> FetchReport | None:
    """The runs *Fetch now* started at `since`, or None while any selected source has not run yet."""
    runs = list(
        IngestRun.objects.filter(source_id__in=source_ids, trigger="admin", started_at__gte=since)
        .select_related("source")
        .order_by("source__name", "started_at")
    )
    if not source_ids or {run.source_id for run in runs} != set(source_ids):
        return None
    report = FetchReport(names=sorted({run.source.name for run in runs if run.source}))
    for run in runs:
        report.updated += run.updated
        if run.failed:
            error = next((str(e["error"]) for e in run.errors if isinstance(e, dict) and e.get("error")), "failed")
            report.failures.append((run.source.name if run.source else "?", clip(error, 160)))
    report.new_entry_ids = list(
        Entry.objects.filter(sightings__source_id__in=source_ids, created_at__gte=since)
        .distinct()
        .values_list("pk", flat=True)
    )
    return report


def describe(report: FetchReport, follow_up: str = "") -> str:
    """`Fetched Sparse Thoughts: 5 new entries, drafted and ranked.` and the failures, each named."""
    what = report.names[0] if len(report.names) == 1 else counted(len(report.names), "source", "sources")
    new = len(report.new_entry_ids)
    parts = [counted(new, "new entry", "new entries") if new else "no new entries"]
    if new and follow_up:
        parts[0] = f"{parts[0]}, {follow_up}"
    if report.updated:
        parts.append(f"{counted(report.updated, 'entry', 'entries')} updated")
    text = f"Fetched {what}: {'; '.join(parts)}."
    for name, error in report.failures:
        text += f" {name} failed: {error.rstrip('.')}."
    return text
