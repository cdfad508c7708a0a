"""Topics: which published picks carry one, which an entry probably belongs to, which each pick carries.

Suggestions come from the nearest tagged past picks in meaning (the in-memory matrix of semantic.py):
each neighbour's topics score its similarity, and topics scoring above a floor are suggested. Nothing
about readers is recorded: topic pages and feeds are the same for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db.models import QuerySet

from curator.editions.models import Issue, Pick
from curator.ranking import vectors
from curator.ranking.models import Embedding
from curator.search import semantic
from curator.search.models import Document, Topic

NEIGHBOURS = 10
# MiniLM puts any two ML abstracts about 0.25-0.35 apart, so only the similarity above BASELINE
# counts as evidence; a topic needs FLOOR of it in all, and at least half the best topic's.
BASELINE = 0.35
FLOOR = 0.1


def published_picks(topic: Topic) -> QuerySet[Pick]:
    """The topic's picks in sent issues, newest issue first."""
    return (
        topic.picks.filter(issue__status=Issue.Status.SENT)
        .select_related("issue")
        .order_by("-issue__month", "position", "id")
    )


def topics_of_picks(pick_ids: Iterable[int]) -> dict[int, list[Topic]]:
    """pick id -> its topics, in one query."""
    through = Topic.picks.through
    out: dict[int, list[Topic]] = {}
    for row in through.objects.filter(pick_id__in=list(pick_ids)).select_related("topic").order_by("topic__name"):
        out.setdefault(row.pick_id, []).append(row.topic)
    return out


def suggest(entry_id: int, limit: int = 3) -> list[Topic]:
    """Topics of the tagged past picks closest to the entry, best first; [] before it is embedded."""
    blob = Embedding.objects.filter(entry_id=entry_id).values_list("vector", flat=True).first()
    if blob is None:
        return []
    through = Topic.picks.through
    tagged = dict(
        Document.objects.filter(kind="pick", object_id__in=through.objects.values("pick_id")).values_list(
            "pk", "object_id"
        )
    )
    index = semantic.matrix()
    mask = np.isin(index.pick_ids, list(tagged))
    if not mask.any():
        return []
    sims = index.pick_rows[mask] @ vectors.normalize(vectors.from_bytes(blob))
    ids = index.pick_ids[mask]
    order = np.argsort(-sims)[:NEIGHBOURS]
    nearest = {tagged[int(ids[i])]: float(sims[i]) - BASELINE for i in order if sims[i] > BASELINE}
    scores: dict[int, float] = {}
    for row in through.objects.filter(pick_id__in=list(nearest)):
        scores[row.topic_id] = scores.get(row.topic_id, 0.0) + nearest[row.pick_id]
    best = max(scores.values(), default=0.0)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    chosen = [tid for tid, score in ranked if score >= FLOOR and score >= best / 2][:limit]
    by_id = Topic.objects.in_bulk(chosen)
    return [by_id[tid] for tid in chosen if tid in by_id]
