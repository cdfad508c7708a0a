"""Which of an entry's drafts an editor sees first.

The best draft is the newest faithful one written by the model. A demoted draft (it invents names or
numbers, or echoes the instruction; summarizer/faithfulness.py) comes after every draft that is not,
including the extract saved next to it; the offline fallback is otherwise only a stand-in until the
model has run, so its drafts count only when there is no model draft at all.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from curator.lib.clip import clip
from summarizer.models import Draft


def ranked_drafts() -> QuerySet[Draft]:
    """All drafts, best first within each entry."""
    model_first = Case(When(engine=Draft.Engine.MODEL, then=Value(0)), default=Value(1), output_field=IntegerField())
    demoted = Case(When(demoted_reason="", then=Value(0)), default=Value(1), output_field=IntegerField())
    return Draft.objects.annotate(demoted_rank=demoted, engine_rank=model_first).order_by(
        "demoted_rank", "engine_rank", "-created_at", "-id"
    )


def best_draft_text() -> Subquery:
    """Annotate entries with it: one subquery, so a list of any length costs one query."""
    return Subquery(ranked_drafts().filter(entry=OuterRef("pk")).values("text")[:1])


def first_line(text: str | None, limit: int = 140) -> str:
    line = next((part.strip() for part in (text or "").splitlines() if part.strip()), "")
    return clip(line, limit)
