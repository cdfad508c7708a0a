"""Scores from a fitted RelevanceModel, each with its reason: the nearest past picks.

Scoring is a matrix product over stored embeddings, so rescoring a week (or 10,000 entries) takes
well under a second of arithmetic; the model is only read here, never fitted.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from curator.feeds.models import Entry
from curator.ranking import dataset, novelty, vectors
from curator.ranking.fit import current_model
from curator.ranking.models import Relevance, RelevanceModel

LIKE_COUNT = 3
LIKE_MIN_SIMILARITY = 0.25  # below this a "nearest" pick is not like the entry in any useful sense
COLD_START_NEIGHBOURS = 3


@dataclass
class Scored:
    ids: list[int]
    scores: np.ndarray
    margins: np.ndarray
    like: list[list[list]]  # per entry: [[pick id, title], ...]
    new_topic: np.ndarray | None = None  # per entry: nothing like it was picked or rejected before

    def flags(self) -> list[bool]:
        return [bool(x) for x in self.new_topic] if self.new_topic is not None else [False] * len(self.ids)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def _cold_start_scores(model: RelevanceModel, matrix: np.ndarray, similarity: np.ndarray) -> np.ndarray:
    """Best of: similarity to the interests text, mean similarity to the closest past picks; 0-1."""
    scores = np.zeros(len(matrix), dtype=np.float64)
    if model.weights and matrix.size:  # nothing embedded yet is a (0, 0) matrix: no scores, no error
        scores = np.maximum(scores, matrix @ vectors.from_bytes(model.weights))
    if similarity.size:
        k = min(COLD_START_NEIGHBOURS, similarity.shape[1])
        nearest = -np.sort(-similarity, axis=1)[:, :k]
        scores = np.maximum(scores, nearest.mean(axis=1))
    return np.clip(scores, 0.0, 1.0)


def _explain(similarity: np.ndarray, picks: dataset.Embedded, item_ids: list[int]) -> list[list[list]]:
    """Up to LIKE_COUNT past picks like each item, never the item itself (a suggested entry is a positive)."""
    if not similarity.size:
        return [[] for _ in range(len(similarity))]
    k = min(LIKE_COUNT + 1, similarity.shape[1])
    order = np.argsort(-similarity, axis=1)[:, :k]
    return [
        [
            [picks.ids[j], picks.titles[j]]
            for j in row
            if similarity[i, j] >= LIKE_MIN_SIMILARITY and picks.ids[j] != item_ids[i]
        ][:LIKE_COUNT]
        for i, row in enumerate(order)
    ]


def score(
    model: RelevanceModel,
    items: dataset.Embedded,
    picks: dataset.Embedded,
    known: np.ndarray | None = None,
) -> Scored:
    """Score every embedded item with `model`; margins say how sure (small = unsure).

    `known` holds the vectors of every decided entry and the interests text (novelty.known_vectors):
    an item far from all of them is a new topic, and a classifier's score there is extrapolation, so
    it is capped low instead of being called a likely pick.
    """
    similarity = vectors.cosine(items.matrix, picks.matrix)
    if model.kind == RelevanceModel.Kind.LOGISTIC and len(items):
        scores = _sigmoid(items.matrix @ vectors.from_bytes(model.weights) + model.intercept)
        margins = np.abs(scores - 0.5)
    else:
        scores = _cold_start_scores(model, items.matrix, similarity)
        # Without a decision boundary the entries in the middle of the ranking are the least certain.
        margins = np.abs(scores - np.median(scores)) if len(scores) else scores
    new_topic = None
    if known is not None and len(known) and len(items):
        nearest = novelty.nearest_similarity(items.matrix, known)
        new_topic = nearest < settings.RANKING_NEW_TOPIC_SIMILARITY
        scores = np.where(new_topic, novelty.new_topic_score(scores, nearest), scores)
        margins = np.where(new_topic, 0.5 - scores, margins)  # sure it is no likely pick, not torn
    return Scored(items.ids, scores, margins, _explain(similarity, picks, items.ids), new_topic)


def rescore(model: RelevanceModel | None = None) -> int:
    """Score every new entry that has an embedding; drop scores of entries that are decided. Returns the count."""
    model = model or current_model()
    items = dataset.embedded(Entry.objects.filter(triage=Entry.Triage.NEW))
    result = score(model, items, dataset.positives(with_titles=True), novelty.known_vectors(model))
    model_id = model.pk if model.pk else None
    rows = _rows(result)
    with transaction.atomic():
        Relevance.objects.exclude(entry__triage=Entry.Triage.NEW).delete()
        write = _write_postgresql if connection.vendor == "postgresql" else write_portable
        write(rows, model_id, timezone.now())
    return len(rows)


def score_entries(entry_ids: list[int]) -> int:
    """Score these new entries now with the current model, without refitting; returns how many.

    A refit drops the scores of decided entries; an entry brought back by an undo would otherwise show
    no relevance and no "like" line until the next refit, minutes later.
    """
    model = current_model()
    items = dataset.embedded(Entry.objects.filter(pk__in=entry_ids, triage=Entry.Triage.NEW))
    if not len(items):
        return 0
    result = score(model, items, dataset.positives(with_titles=True), novelty.known_vectors(model))
    rows = _rows(result)
    write_portable(rows, model.pk if model.pk else None, timezone.now())
    return len(rows)


Row = tuple[int, float, float, list, bool]


def _rows(result: Scored) -> list[Row]:
    return [
        (pk, float(s), float(m), like, flag)
        for pk, s, m, like, flag in zip(
            result.ids, result.scores, result.margins, result.like, result.flags(), strict=True
        )
    ]


def write_portable(rows: list[Row], model_id: int | None, now: datetime.datetime) -> None:
    """Upsert scores through the ORM: any database (the SQLite demo)."""
    Relevance.objects.bulk_create(
        (
            Relevance(entry_id=pk, score=s, margin=m, like=like, new_topic=new, model_id=model_id, scored_at=now)
            for pk, s, m, like, new in rows
        ),
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["entry"],
        update_fields=["score", "margin", "like", "new_topic", "model", "scored_at"],
    )


def _write_postgresql(rows: list[Row], model_id: int | None, now: datetime.datetime) -> None:
    """One INSERT ... SELECT FROM unnest(arrays) upsert: building 10,000 ORM rows costs more than scoring them."""
    table = connection.ops.quote_name(Relevance._meta.db_table)
    sql = f"""
        INSERT INTO {table} (entry_id, score, margin, "like", new_topic, model_id, scored_at)
        SELECT e, s, m, l::jsonb, n, %s, %s
        FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::text[], %s::boolean[]) AS t(e, s, m, l, n)
        ON CONFLICT (entry_id) DO UPDATE SET score = EXCLUDED.score, margin = EXCLUDED.margin, "like" = EXCLUDED."like",
            new_topic = EXCLUDED.new_topic, model_id = EXCLUDED.model_id, scored_at = EXCLUDED.scored_at
    """  # noqa: S608 - the only interpolation is our own table name, quoted; values are parameters
    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                model_id,
                now,
                list(columns[0]),
                list(columns[1]),
                list(columns[2]),
                [json.dumps(x) for x in columns[3]],
                list(columns[4]),
            ],
        )


def relevance(entry_ids: list[int]) -> dict[int, float]:
    """Current score of each id under the latest model; 0.0 for entries not embedded (or unknown)."""
    ids = list(dict.fromkeys(int(pk) for pk in entry_ids))
    items = dataset.embedded(Entry.objects.filter(pk__in=ids))
    model = current_model()
    result = score(model, items, dataset.positives(), novelty.known_vectors(model))
    scores = dict.fromkeys(ids, 0.0)
    scores.update({pk: float(s) for pk, s in zip(result.ids, result.scores, strict=True)})
    return scores
