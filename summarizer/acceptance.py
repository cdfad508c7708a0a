"""How much of a draft survived editing: the closest draft to a final text, and how far the editor moved it.

Similarity is 1 minus the normalized Levenshtein distance (rapidfuzz) between whitespace-normalized
texts, so 1.0 is identical and 0.0 shares nothing. The thresholds match how editors talk about it:
at least 0.95 is a draft used as is (a typo fixed), at least 0.6 a light edit, anything less a rewrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from rapidfuzz.distance import Levenshtein

from summarizer.models import Draft, DraftChoice, DraftOutcome

AS_IS = 0.95
LIGHT = 0.6


@dataclass(frozen=True)
class Match:
    draft: Draft
    similarity: float
    verdict: str


@dataclass(frozen=True)
class FinalText:
    """A text an editor settled on for an entry; `key` names the use so it is recorded once."""

    key: str
    entry_id: int
    text: str


def normalize(text: str) -> str:
    return " ".join((text or "").split())


def similarity(draft_text: str, final_text: str) -> float:
    return Levenshtein.normalized_similarity(normalize(draft_text), normalize(final_text))


def verdict(score: float) -> str:
    if score >= AS_IS:
        return DraftOutcome.Verdict.AS_IS
    if score >= LIGHT:
        return DraftOutcome.Verdict.LIGHT
    return DraftOutcome.Verdict.REWRITTEN


def closest_draft(drafts: Sequence[Draft], final_text: str) -> Match | None:
    """The draft the final text most likely came from; ties go to the older draft (shown first to editors)."""
    best: Match | None = None
    for draft in sorted(drafts, key=lambda d: (d.created_at, d.pk)):
        score = similarity(draft.text, final_text)
        if best is None or score > best.similarity:
            best = Match(draft, score, verdict(score))
    return best


def record_outcomes(finals: Iterable[FinalText]) -> list[DraftOutcome]:
    """One DraftOutcome per final text whose entry has drafts; recording the same key again updates it."""
    finals = [f for f in finals if f.text.strip()]
    drafts: dict[int, list[Draft]] = {}
    for draft in Draft.objects.filter(entry_id__in={f.entry_id for f in finals}).only(
        "pk", "entry_id", "text", "created_at", "profile_name", "model_id"
    ):
        drafts.setdefault(draft.entry_id, []).append(draft)
    recorded = []
    for final in finals:
        match = closest_draft(drafts.get(final.entry_id, []), final.text)
        if match is None:
            continue  # nothing was drafted for this entry: nothing to judge
        outcome, _ = DraftOutcome.objects.update_or_create(
            key=final.key,
            defaults={
                "entry_id": final.entry_id,
                "draft": match.draft,
                "profile_name": match.draft.profile_name,
                "model_id": match.draft.model_id,
                "similarity": round(match.similarity, 4),
                "verdict": match.verdict,
            },
        )
        recorded.append(outcome)
    return recorded


def record_choice(draft: Draft, user: User | None = None) -> DraftChoice:
    return DraftChoice.objects.create(draft=draft, chosen_by=user if user and user.is_authenticated else None)
