"""`manage.py benchmark new-topic`: the similarity distribution RANKING_NEW_TOPIC_SIMILARITY rests on.

Not a speed benchmark: it measures, for the demo team's decisions and interests text, how similar
on-topic new entries and off-topic ones (phone-app release notes) are to the nearest known thing, and
how many of each the threshold marks as new topics. The figures go into docs/ranking.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.conf import settings
from django.core.management.base import CommandParser

from curator.ranking.demo import DEMO_FILE, INTERESTS, read_demo_rows
from curator.ranking.embed import embed_texts, entry_text
from curator.ranking.novelty import nearest_similarity

OFF_TOPIC_FILE = DEMO_FILE.parent / "release_notes.jsonl"  # shipped with the ranking demo data


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--picks", type=int, default=5, help="decided papers per demo topic (default 5)")


def _embed(rows: list[dict]) -> np.ndarray:
    return embed_texts([entry_text(r["title"], r["abstract"]) for r in rows])


def _spread(values: np.ndarray) -> str:
    low, p5, median, high = np.min(values), np.percentile(values, 5), np.median(values), np.max(values)
    return f"min {low:.3f}  p5 {p5:.3f}  median {median:.3f}  max {high:.3f}"


def run(stdout: Any = None, picks: int = 5, **_: Any) -> dict[str, Any]:
    rows = read_demo_rows(DEMO_FILE)

    def papers(topic: str) -> list[dict]:
        return [r for r in rows if r["topic"] == topic and r["kind"] == "paper"]

    team = papers("interpretability"), papers("efficient inference")
    rejected = papers("robot locomotion")
    decided = team[0][:picks] + team[1][:picks] + rejected[:picks]
    on_topic = team[0][picks:] + team[1][picks:]
    off_topic = read_demo_rows(OFF_TOPIC_FILE)
    known = np.vstack([_embed(decided), embed_texts([INTERESTS])])
    on, off = nearest_similarity(_embed(on_topic), known), nearest_similarity(_embed(off_topic), known)
    threshold = settings.RANKING_NEW_TOPIC_SIMILARITY
    return {
        "decided entries": len(decided),
        "on-topic new entries": len(on_topic),
        "off-topic entries": len(off_topic),
        "on-topic nearest": _spread(on),
        "off-topic nearest": _spread(off),
        "threshold": threshold,
        "on-topic marked new": int((on < threshold).sum()),
        "off-topic marked new": int((off < threshold).sum()),
    }
