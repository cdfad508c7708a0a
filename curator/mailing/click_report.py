"""An issue's clicks, aggregated for the admin report: picks by clicks, the first days, sources.

Everything here reads ClickCount, which holds only (pick, day, count): the report can show what
readers opened and when, and nothing about who did.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Min, Sum
from django.utils import timezone

from curator.editions.models import Issue, Pick
from curator.mailing.models import ClickCount, Delivery

FIRST_DAYS = 14
HAND_ADDED = "hand-added links"


@dataclass
class PickRow:
    title: str
    section: str
    source: str
    clicks: int
    share: float  # of the most-clicked pick, 0..1, for the bar length


@dataclass
class DayRow:
    number: int  # 1 = the day sending started
    day: datetime.date
    clicks: int
    share: float  # of the busiest day


@dataclass
class SourceRow:
    name: str
    picks: int
    clicks: int
    per_pick: float


@dataclass
class ClickReport:
    issue: Issue
    total: int = 0
    start: datetime.date | None = None
    later: int = 0  # clicks after the first FIRST_DAYS days
    picks: list[PickRow] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)
    sources: list[SourceRow] = field(default_factory=list)


def send_start(issue: Issue) -> datetime.date | None:
    """Day 1 of the curve: when the delivery rows were made (the send started), else when it finished."""
    started = Delivery.objects.filter(issue=issue).aggregate(first=Min("created_at"))["first"] or issue.sent_at
    return timezone.localdate(started) if started else None


def click_report(issue: Issue) -> ClickReport:
    report = ClickReport(issue=issue, start=send_start(issue))
    picks = list(
        Pick.objects.filter(issue=issue)
        .select_related("section", "entry__source")
        .annotate(clicks=Sum("click_counts__count"))
        .order_by("section__position", "position", "id")
    )
    top = max((p.clicks or 0 for p in picks), default=0)
    by_source: dict[str, SourceRow] = {}
    for pick in sorted(picks, key=lambda p: -(p.clicks or 0)):
        clicks = pick.clicks or 0
        source = pick.entry.source.name if pick.entry_id and pick.entry else HAND_ADDED
        report.picks.append(PickRow(pick.title, pick.section.title, source, clicks, clicks / top if top else 0.0))
        row = by_source.setdefault(source, SourceRow(source, 0, 0, 0.0))
        row.picks, row.clicks = row.picks + 1, row.clicks + clicks
    for row in by_source.values():
        row.per_pick = row.clicks / row.picks
    report.sources = sorted(by_source.values(), key=lambda r: (-r.per_pick, -r.clicks, r.name))
    report.total = sum(r.clicks for r in report.picks)
    per_day = dict(
        ClickCount.objects.filter(pick__issue=issue).values("day").annotate(n=Sum("count")).values_list("day", "n")
    )
    if report.start is None and per_day:
        report.start = min(per_day)
    if report.start is not None:
        days = [report.start + datetime.timedelta(days=i) for i in range(FIRST_DAYS)]
        busiest = max((per_day.get(day, 0) for day in days), default=0)
        report.days = [
            DayRow(i + 1, day, per_day.get(day, 0), per_day.get(day, 0) / busiest if busiest else 0.0)
            for i, day in enumerate(days)
        ]
        report.later = sum(n for day, n in per_day.items() if day > days[-1])
    return report
