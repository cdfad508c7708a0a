"""The profile report: per decoding profile, how its drafts fared with editors and what they cost.

A pick "offered" a profile when its entry had at least one draft from that profile; it "used" the
profile when the closest draft to the final blurb came from it (summarizer/acceptance.py).
Acceptance is the share of offered picks whose final blurb is one of the profile's drafts used as
is or lightly edited: comparable across profiles even when an A/B setting drafts every entry twice.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth

from summarizer.models import Draft, DraftChoice, DraftOutcome

KEPT = (DraftOutcome.Verdict.AS_IS, DraftOutcome.Verdict.LIGHT)


@dataclass
class ProfileRow:
    profile: str
    models: list[str] = field(default_factory=list)
    drafts: int = 0
    offered: int = 0  # picks whose entry had a draft of this profile
    used: int = 0  # picks whose closest draft came from this profile
    as_is: float = 0.0  # shares of `used`
    light: float = 0.0
    rewritten: float = 0.0
    acceptance: float = 0.0  # used as is or lightly edited, over offered
    median_similarity: float | None = None
    median_seconds: float | None = None
    median_tokens: float | None = None
    fallback_share: float = 0.0
    demoted_share: float = 0.0  # of its model drafts, those that invented or echoed (never shown first)
    backends: list[str] = field(default_factory=list)
    choices: int = 0  # "Use this draft" clicks
    pareto: bool = False


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def filtered_drafts(month: datetime.date | None = None, model: str = "") -> QuerySet[Draft]:
    """Drafts made in `month` (any day of it) with `model`; both optional."""
    drafts = Draft.objects.all()
    if month is not None:
        start = month.replace(day=1)
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        drafts = drafts.filter(created_at__date__gte=start, created_at__date__lt=end)
    if model:
        drafts = drafts.filter(model_id=model)
    return drafts


def row_key(profile_name: str, model_id: str, by_model: bool) -> str:
    return f"{profile_name} · {model_id}" if by_model else profile_name


def profile_report(month: datetime.date | None = None, model: str = "", by_model: bool = False) -> list[ProfileRow]:
    """One row per profile, or per profile and model with `by_model` (the fallback is then its own model)."""
    drafts = filtered_drafts(month, model)
    rows: dict[str, ProfileRow] = {}
    seconds: dict[str, list[float]] = {}
    tokens: dict[str, list[float]] = {}
    entries: dict[str, set[int]] = {}
    model_drafts: dict[str, int] = {}
    draft_fields = (
        "profile_name",
        "model_id",
        "engine",
        "seconds",
        "tokens_out",
        "entry_id",
        "backend",
        "demoted_reason",
    )
    for name, model_id, engine, secs, toks, entry_id, backend, demoted in drafts.values_list(*draft_fields).iterator():
        key = row_key(name, model_id, by_model)
        row = rows.setdefault(key, ProfileRow(profile=key))
        row.drafts += 1
        if model_id not in row.models:
            row.models.append(model_id)
        row.fallback_share += engine == Draft.Engine.FALLBACK
        if engine == Draft.Engine.MODEL:
            model_drafts[key] = model_drafts.get(key, 0) + 1
            row.demoted_share += bool(demoted)
        if backend and backend not in row.backends:
            row.backends.append(backend)
        seconds.setdefault(key, []).append(secs)
        tokens.setdefault(key, []).append(toks)
        entries.setdefault(key, set()).add(entry_id)
    outcomes = [
        (entry_id, draft_id, row_key(name or "", model_id or "", by_model), verdict, similarity)
        for entry_id, draft_id, name, model_id, verdict, similarity in DraftOutcome.objects.filter(
            entry_id__in=drafts.values("entry_id")
        ).values_list("entry_id", "draft_id", "draft__profile_name", "draft__model_id", "verdict", "similarity")
    ]
    draft_ids = set(drafts.values_list("pk", flat=True)) if outcomes else set()
    choices: dict[str, int] = {}
    for name, model_id, n in (
        DraftChoice.objects.filter(draft__in=drafts)
        .values("draft__profile_name", "draft__model_id")
        .annotate(n=Count("pk"))
        .values_list("draft__profile_name", "draft__model_id", "n")
    ):
        key = row_key(name, model_id, by_model)
        choices[key] = choices.get(key, 0) + n
    for key, row in rows.items():
        mine = [o for o in outcomes if o[1] in draft_ids and o[2] == key]
        row.offered = sum(1 for o in outcomes if o[0] in entries[key])
        row.used = len(mine)
        if mine:
            row.as_is = sum(o[3] == DraftOutcome.Verdict.AS_IS for o in mine) / row.used
            row.light = sum(o[3] == DraftOutcome.Verdict.LIGHT for o in mine) / row.used
            row.rewritten = sum(o[3] == DraftOutcome.Verdict.REWRITTEN for o in mine) / row.used
        kept = sum(o[3] in KEPT for o in mine)
        row.acceptance = kept / row.offered if row.offered else 0.0
        row.median_similarity = _median([o[4] for o in mine])
        row.median_seconds = _median(seconds[key])
        row.median_tokens = _median(tokens[key])
        row.fallback_share = row.fallback_share / row.drafts
        row.demoted_share = row.demoted_share / model_drafts[key] if model_drafts.get(key) else 0.0
        row.backends.sort()
        row.choices = choices.get(key, 0)
        row.models.sort()
    result = sorted(rows.values(), key=lambda r: (-r.acceptance, r.median_seconds or 0, r.profile))
    mark_pareto(result)
    return result


def mark_pareto(rows: list[ProfileRow]) -> None:
    """On the front: no other profile is at least as fast and as accepted, and strictly better in one."""
    for row in rows:
        row.pareto = row.offered > 0 and not any(
            other is not row
            and other.offered > 0
            and (other.median_seconds or 0) <= (row.median_seconds or 0)
            and other.acceptance >= row.acceptance
            and ((other.median_seconds or 0) < (row.median_seconds or 0) or other.acceptance > row.acceptance)
            for other in rows
        )


def months() -> list[datetime.date]:
    rows = Draft.objects.annotate(m=TruncMonth("created_at")).values_list("m", flat=True).distinct().order_by("-m")
    return [m.date() if isinstance(m, datetime.datetime) else m for m in rows]


def model_ids() -> list[str]:
    return list(Draft.objects.exclude(model_id="").values_list("model_id", flat=True).distinct().order_by("model_id"))
