"""Fitting the team's relevance model from its own triage decisions.

Logistic regression on the MiniLM embeddings once there are enough picks and at least one rejection;
before that (or when a fit is impossible) a cold-start rule: similarity to the editors' interests text
and to past picks. Either way the result is a RelevanceModel row that scoring reads, so scoring never
fits anything.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
from django.conf import settings
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score

from curator.ranking import dataset, vectors
from curator.ranking.embed import EmbedderUnavailable, embed_texts
from curator.ranking.models import Interests, RelevanceModel

log = logging.getLogger(__name__)

# Unit-length 384-d inputs with few examples: a weak penalty keeps scores spread out instead of all ~0.5.
REGULARIZATION_C = 10.0


def interests_text() -> str:
    row = Interests.objects.filter(pk=1).first()
    return row.text.strip() if row else ""


def train(matrix: np.ndarray, labels: np.ndarray) -> LogisticRegression:
    """Raises ValueError when the labels hold one class only."""
    classifier = LogisticRegression(C=REGULARIZATION_C, class_weight="balanced", max_iter=2000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(matrix, labels)
    return classifier


def cross_validated_auc(matrix: np.ndarray, labels: np.ndarray) -> float | None:
    """Mean AUC over stratified folds; None when a class has fewer than two examples."""
    smallest = int(min(labels.sum(), len(labels) - labels.sum()))
    if smallest < 2:
        return None
    folds = StratifiedKFold(n_splits=min(5, smallest), shuffle=True, random_state=0)
    classifier = LogisticRegression(C=REGULARIZATION_C, class_weight="balanced", max_iter=2000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return float(np.mean(cross_val_score(classifier, matrix, labels, cv=folds, scoring="roc_auc")))


def interests_embedding() -> tuple[bytes, str]:
    """(the interests text's embedding as bytes, or b"", and why it is missing)."""
    text = interests_text()
    if not text:
        return b"", ""
    try:
        return vectors.to_bytes(embed_texts([text])[0]), ""
    except EmbedderUnavailable as exc:
        return b"", f"interests not embedded ({exc})"


def cold_start(positives: int, negatives: int, note: str) -> RelevanceModel:
    """An unsaved cold-start model carrying the interests embedding (empty when there is no text)."""
    weights, problem = interests_embedding()
    if problem:
        note = f"{note}; {problem}"
    return RelevanceModel(
        kind=RelevanceModel.Kind.COLD_START,
        weights=weights,
        interests_vector=weights,
        positives=positives,
        negatives=negatives,
        note=note,
    )


def fit() -> RelevanceModel:
    """Fit on every decision so far and save the model; never raises for lack of data."""
    pos, neg = dataset.positives(), dataset.negatives()
    if len(pos) < settings.RANKING_MIN_POSITIVES:
        model = cold_start(len(pos), len(neg), f"fewer than {settings.RANKING_MIN_POSITIVES} picks")
    elif len(neg) == 0:
        model = cold_start(len(pos), 0, "no rejections yet: nothing to contrast the picks with")
    else:
        matrix = np.vstack([pos.matrix, neg.matrix])
        labels = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
        try:
            classifier = train(matrix, labels)
        except ValueError as exc:
            log.warning("ranking: cannot fit (%s); cold start", exc)
            model = cold_start(len(pos), len(neg), f"fit failed: {exc}"[:300])
        else:
            model = RelevanceModel(
                kind=RelevanceModel.Kind.LOGISTIC,
                weights=vectors.to_bytes(classifier.coef_[0]),
                intercept=float(classifier.intercept_[0]),
                positives=len(pos),
                negatives=len(neg),
                cv_auc=cross_validated_auc(matrix, labels),
                interests_vector=interests_embedding()[0],
            )
    model.save()
    return model


def current_model() -> RelevanceModel:
    """The latest fit, or an unsaved cold-start model when nothing was fitted yet (never fits here)."""
    model = RelevanceModel.objects.order_by("-fitted_at", "-id").first()
    return model or cold_start(0, 0, "not fitted yet")
