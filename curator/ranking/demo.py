"""Demo entries for the ranking: three topics, with the team's past picks and rejections.

The texts in demo_data/entries.jsonl were written for this project (no copied abstracts). The team
reads interpretability and efficient inference and passes on robot locomotion; a few blog posts cite
the demo papers by arXiv id, so stories show too. Decided entries are dated last month (they went into
last month's issue, which cannot carry anything published after it); undecided ones arrived during the
past week, so the inbox has a week of work waiting. Running it again changes nothing that exists.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from curator.feeds.models import Entry, Sighting, Source
from curator.ranking.models import Interests

DEMO_FILE = Path(__file__).resolve().parent / "demo_data" / "entries.jsonl"
SOURCE_NAME = "Preprint digest (demo)"
INTERESTS = (
    "Mechanistic interpretability of language models: features, circuits, probing and steering. "
    "Making inference fast and cheap: quantization, speculative decoding, batching and serving."
)


@dataclass
class DemoEntries:
    created: int
    picked: list[Entry]  # past picks: the caller puts them into a past issue


def read_demo_rows(path: Path = DEMO_FILE) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@transaction.atomic
def load_ranking_demo() -> DemoEntries:
    """Store the demo entries and the past rejections; returns the picks."""
    source, _ = Source.objects.get_or_create(
        name=SOURCE_NAME,
        defaults={
            "url": "https://preprints.example/feed.xml",
            "kind": Source.Kind.RSS,
            "active": False,
            "section_hint": "Research updates",
        },
    )
    Interests.objects.get_or_create(pk=1, defaults={"text": INTERESTS})
    rows = read_demo_rows()
    dates = demo_dates(rows, timezone.now())
    created, picked = 0, []
    for n, row in enumerate(rows):
        slug = row["arxiv_id"] or f"post-{n}"
        entry, was_created = Entry.objects.get_or_create(
            source=source,
            guid=f"ranking-demo-{n}",
            defaults={
                "title": row["title"],
                "abstract": row["abstract"],
                "kind": row["kind"],
                "arxiv_id": row["arxiv_id"],
                "url": f"https://preprints.example/abs/{slug}",
                "published_at": dates[n],
                "triage": Entry.Triage.REJECTED if row["decision"] == "rejected" else Entry.Triage.NEW,
            },
        )
        created += was_created
        # The source's entry count (and re-ingest idempotency) go by sightings, as for fetched items.
        Sighting.objects.get_or_create(source=source, guid=entry.guid, defaults={"entry": entry})
        if row["decision"] == "picked" and entry.triage != Entry.Triage.PICKED:
            picked.append(entry)
    return DemoEntries(created=created, picked=picked)


def demo_dates(rows: list[dict], now: dt.datetime) -> list[dt.datetime]:
    """Publication dates: decided rows two days apart before this month began (in the site's time zone),
    the rest spread over the last six and a half days, newest a couple of hours ago."""
    month_start = dt.datetime.combine(
        timezone.localdate(now).replace(day=1), dt.time.min, timezone.get_current_timezone()
    )
    decided = [n for n, row in enumerate(rows) if row["decision"]]
    waiting = [n for n, row in enumerate(rows) if not row["decision"]]
    dates: dict[int, dt.datetime] = {}
    for rank, n in enumerate(reversed(decided)):
        dates[n] = month_start - dt.timedelta(days=1 + 2 * rank, hours=-9)
    step = dt.timedelta(hours=156) / max(1, len(waiting))
    for rank, n in enumerate(reversed(waiting)):
        dates[n] = now - dt.timedelta(hours=2) - rank * step
    return [dates[n] for n in range(len(rows))]
