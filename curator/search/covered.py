""" "Have we covered this?": the past picks closest in meaning to entries an editor is looking at.

Uses the process's in-memory matrix (semantic.py), so a page view costs the same few small queries
whatever the size of the archive: the entries' own vectors, the sent issues, the matched picks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils.formats import date_format

from curator.editions.models import Issue
from curator.ranking import vectors
from curator.ranking.models import Embedding
from curator.search import semantic
from curator.search.models import Document


@dataclass(frozen=True)
class ClosePick:
    pick_id: int
    title: str
    issue_name: str
    issue_slug: str
    month: str  # "March 2026"
    similarity: float

    @property
    def label(self) -> str:
        return f"Close to a pick of {self.month}: {self.title}"


def close_picks(entry_ids: Iterable[int], per_entry: int = 3) -> dict[int, list[ClosePick]]:
    """entry id -> up to `per_entry` picks of sent issues at least SEARCH_COVERED_SIMILARITY alike."""
    wanted = list(entry_ids)
    if not wanted:
        return {}
    own = dict(Embedding.objects.filter(entry_id__in=wanted).values_list("entry_id", "vector"))
    if not own:
        return {}
    index = semantic.matrix()
    sent = {i.pk: i for i in Issue.objects.filter(status=Issue.Status.SENT).only("pk", "slug", "title", "month")}
    mask = index.is_pick & np.isin(index.issue_ids, list(sent))
    rows, doc_ids, pick_entries = index.rows[mask], index.doc_ids[mask], index.entry_ids[mask]
    if not len(doc_ids):
        return {}
    floor = settings.SEARCH_COVERED_SIMILARITY
    found: dict[int, list[tuple[int, float]]] = {}
    for entry_id, blob in own.items():
        sims = rows @ vectors.normalize(vectors.from_bytes(blob))
        sims[pick_entries == entry_id] = -1  # an entry is not "close to" its own pick
        order = np.argsort(-sims)[:per_entry]
        found[entry_id] = [(int(doc_ids[i]), float(sims[i])) for i in order if sims[i] >= floor]
    docs = Document.objects.in_bulk({doc_id for pairs in found.values() for doc_id, _ in pairs})
    result: dict[int, list[ClosePick]] = {}
    for entry_id, pairs in found.items():
        for doc_id, similarity in pairs:
            doc = docs.get(doc_id)
            issue = sent.get(doc.issue_id or 0) if doc else None
            if doc is None or issue is None:
                continue
            result.setdefault(entry_id, []).append(
                ClosePick(
                    pick_id=doc.object_id,
                    title=doc.title,
                    issue_name=issue.short_name,
                    issue_slug=issue.slug,
                    month=date_format(issue.month, "F Y"),
                    similarity=round(similarity, 3),
                )
            )
    return result
