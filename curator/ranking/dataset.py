"""The team's decisions as matrices: which entries count as picks, which as rejections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.db.models import Q, QuerySet

from curator.feeds.models import Entry
from curator.ranking import vectors
from curator.ranking.models import Embedding

# Picked into an issue or shortlisted: both say "this is for us". Rejected says the opposite.
POSITIVE = (Entry.Triage.PICKED, Entry.Triage.SHORTLISTED)
NEGATIVE = (Entry.Triage.REJECTED,)
# Signals that are not a triage decision (a colleague suggested or voted for an entry), added by the
# apps above ranking when they start; a rejection still wins over them.
EXTRA_POSITIVES: list[Callable[[], Q]] = []


@dataclass
class Embedded:
    ids: list[int]
    matrix: np.ndarray
    titles: list[str]

    def __len__(self) -> int:
        return len(self.ids)


def embedded(entries: QuerySet[Entry], with_titles: bool = False) -> Embedded:
    """Ids and vectors (one row each) of the entries that have an embedding, in id order."""
    rows = Embedding.objects.filter(entry__in=entries).order_by("entry_id")
    if with_titles:
        data = list(rows.values_list("entry_id", "vector", "entry__title"))
    else:
        data = [(pk, blob, "") for pk, blob in rows.values_list("entry_id", "vector")]
    return Embedded(
        ids=[row[0] for row in data], matrix=vectors.stack([row[1] for row in data]), titles=[row[2] for row in data]
    )


def positives(with_titles: bool = False) -> Embedded:
    wanted = Q(triage__in=POSITIVE)
    for extra in EXTRA_POSITIVES:
        wanted |= extra() & ~Q(triage__in=NEGATIVE)
    return embedded(Entry.objects.filter(wanted), with_titles)


def negatives() -> Embedded:
    return embedded(Entry.objects.filter(triage__in=NEGATIVE))
