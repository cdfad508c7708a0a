"""Experiments: the A/B drafting setting, and Playground runs kept as records that can become profiles.

Every Playground run is stored, whoever ran it and whatever came out, because a comparison is only
trustworthy when the runs that disappointed are kept as well as the ones someone chose to save.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.models import User

from curator.feeds.models import Entry
from summarizer import decoding, drafting, prompts
from summarizer.models import DecodingProfile, Draft, PlaygroundRun

log = logging.getLogger(__name__)


def profiles_for_new_entries() -> list[int | None]:
    """Profile ids to draft a new entry with: A and B while an experiment runs, else the default (None)."""
    names = settings.SUMMARIZER_AB_PROFILES
    if not names:
        return [None]
    found = dict(DecodingProfile.objects.filter(name__in=names).values_list("name", "pk"))
    missing = [name for name in names if name not in found]
    if missing:
        log.warning("SUMMARIZER_AB_PROFILES names unknown profiles %s; drafting with the others", missing)
    return [found[name] for name in names if name in found] or [None]


def record_run(
    user: User | None,
    source: prompts.Source,
    entry: Entry | None,
    params: dict,
    results: Sequence[drafting.Generated],
) -> PlaygroundRun:
    # The run is the model's when any draft came from it: an extract shown first (model drafts demoted) is not.
    first = next((r for r in results if r.engine == Draft.Engine.MODEL), results[0] if results else None)
    return PlaygroundRun.objects.create(
        created_by=user if user is not None and user.is_authenticated else None,
        entry=entry,
        title=(entry.title if entry is not None else source.title)[:1000],
        input_hash=drafting.input_hash(source),
        parameters=decoding.normalize(params),
        outputs=[
            {
                "text": r.text,
                "engine": r.engine,
                "model_id": r.model_id,
                "tokens_in": r.tokens_in,
                "tokens_out": r.tokens_out,
                "seconds": round(r.seconds, 3),
                "seed": r.seed,
                "flags": r.flags,
                "fallback_reason": r.fallback_reason,
                "backend": r.backend,
                "demoted_reason": r.demoted_reason,
                "label": r.label,
            }
            for r in results
        ],
        engine=first.engine if first else "",
        model_id=first.model_id if first else "",
        seconds=round(sum(r.seconds for r in results), 3),
    )


def save_as_profile(run: PlaygroundRun, name: str, description: str = "") -> DecodingProfile:
    """A new (non-default) profile with the run's knobs; ValidationError when they no longer validate."""
    profile = DecodingProfile(
        name=name, description=description, is_default=False, **decoding.normalize(run.parameters)
    )
    profile.full_clean()
    profile.save()
    return profile
