"""New topics: entries unlike anything the team decided on and unlike the site's interests text.

A classifier fitted on a few dozen decisions scores everything, including text from a feed about
something else entirely (phone-app release notes): its score there is extrapolation, often 0.4-0.7.
Such an entry is marked as a new topic and scored low instead; one decision on it teaches the model
as any decision does. The threshold (RANKING_NEW_TOPIC_SIMILARITY) and the figures it rests on are
in docs/ranking.md.
"""

from __future__ import annotations

import numpy as np

from curator.ranking import dataset, vectors
from curator.ranking.models import RelevanceModel


def known_vectors(model: RelevanceModel) -> np.ndarray:
    """Every decided entry's vector plus the interests text's (stored with the model at fit time):
    what "like something known" measures against."""
    rows = [dataset.positives().matrix, dataset.negatives().matrix]
    interests = bytes(model.interests_vector or b"")
    if not interests and model.kind == RelevanceModel.Kind.COLD_START:
        interests = bytes(model.weights or b"")  # a cold-start model fitted before the vector was kept
    if interests:
        rows.append(vectors.from_bytes(interests).reshape(1, -1))
    rows = [r for r in rows if len(r)]
    return np.vstack(rows) if rows else np.zeros((0, 384), dtype=vectors.DTYPE)


def nearest_similarity(items: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Cosine similarity of each item to its nearest known vector."""
    return vectors.cosine(items, known).max(axis=1)


def new_topic_score(scores: np.ndarray, nearest: np.ndarray) -> np.ndarray:
    """A new topic scores no higher than its similarity to the nearest known thing: below the threshold,
    so below every likely pick, while new topics keep their order among themselves and an entry the
    model already finds unlikely stays as low as the model put it."""
    return np.minimum(scores, np.clip(nearest, 0.0, None))
