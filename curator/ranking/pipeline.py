"""Everything `manage.py rank` does, in order: embed what is missing, group stories, refit, rescore."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from curator.ranking import embed, fit, scoring, stories
from curator.ranking.models import RelevanceModel


@dataclass
class RankReport:
    embedded: int
    story_joins: int
    scored: int
    model: RelevanceModel
    seconds: float

    def as_dict(self) -> dict:
        return {
            "embedded": self.embedded,
            "story_joins": self.story_joins,
            "scored": self.scored,
            "model": self.model.kind,
            "positives": self.model.positives,
            "negatives": self.model.negatives,
            "cv_auc": None if self.model.cv_auc is None else round(self.model.cv_auc, 3),
            "note": self.model.note,
            "seconds": round(self.seconds, 2),
        }


def rank_all(progress: Callable[[int], None] | None = None, embed_all: bool = False) -> RankReport:
    """Embed entries without a vector (or whose text changed, with embed_all), then fit and rescore."""
    started = time.perf_counter()
    ids = embed.embed_entries(None if embed_all else embed.missing_ids(), progress=progress)
    joins = stories.assign_stories(ids) if ids else 0
    model = fit.fit()
    scored = scoring.rescore(model)
    return RankReport(len(ids), joins, scored, model, time.perf_counter() - started)
