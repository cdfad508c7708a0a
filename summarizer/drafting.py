"""Entries in, Draft rows out. Celery tasks, admin actions and the `draft` command all call these.

Drafts are never overwritten: every call adds rows, each carrying a frozen copy of the parameters
it was generated with, so editors can compare profiles side by side and reproduce any draft.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from curator.feeds.models import Entry
from summarizer import checks, decoding, engine, fallback, prompts
from summarizer.models import DecodingProfile, Draft

log = logging.getLogger(__name__)


@dataclass
class Report:
    drafted: int = 0  # entries that got at least one model draft
    fallback: int = 0  # entries that got an extractive fallback draft
    failed: int = 0  # entries that got nothing
    seconds: float = 0.0
    draft_ids: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    fallback_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafted": self.drafted,
            "fallback": self.fallback,
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
        }


@dataclass
class Generated:
    """One text for one source, from the model or the offline fallback, before it is saved.

    The playground shows these as they are; drafting saves each as a Draft row (`_draft_row`).
    """

    text: str
    engine: str
    model_id: str
    tokens_in: int
    tokens_out: int
    seconds: float
    seed: int | None
    flags: list[str]
    fallback_reason: str = ""
    fallback_method: str = ""


def input_hash(source: prompts.Source) -> str:
    return hashlib.sha256(source.text.encode()).hexdigest()


def pending_entries() -> QuerySet[Entry]:
    """Entries without any draft: what `draft --pending` drafts and the dashboard counts."""
    return Entry.objects.filter(~Exists(Draft.objects.filter(entry=OuterRef("pk"))))


def pending_entry_ids() -> list[int]:
    """Entries without any draft, oldest first."""
    return list(pending_entries().order_by("created_at", "pk").values_list("pk", flat=True))


def _from_outputs(loaded: engine.Loaded, source: prompts.Source, outputs: Sequence[engine.Output]) -> list[Generated]:
    return [
        Generated(
            text=output.text,
            engine=Draft.Engine.MODEL,
            model_id=loaded.model_id,
            tokens_in=output.tokens_in,
            tokens_out=output.tokens_out,
            seconds=output.seconds,
            seed=output.seed,
            flags=checks.unsupported(output.text, source.text),
        )
        for output in outputs
    ]


def _from_fallback(source: prompts.Source, reason: str) -> Generated:
    began = time.monotonic()
    extract = fallback.summarize(source.body or source.text)
    return Generated(
        text=extract.text,
        engine=Draft.Engine.FALLBACK,
        model_id=f"fallback:{extract.method}",
        tokens_in=0,
        tokens_out=0,
        seconds=time.monotonic() - began,
        seed=None,
        flags=checks.unsupported(extract.text, source.text),
        fallback_reason=reason,
        fallback_method=extract.method,
    )


def _draft_row(
    entry: Entry,
    source: prompts.Source,
    profile: DecodingProfile | None,
    knobs: decoding.Settings,
    generated: Generated,
    task_id: str,
) -> Draft:
    """The one place a Draft is built: the frozen parameters record the seed actually used."""
    parameters = knobs.as_dict() | {"seed_used": generated.seed}
    if generated.fallback_method:
        parameters["fallback_method"] = generated.fallback_method
    return Draft(
        entry=entry,
        profile=profile,
        profile_name=profile.name if profile else "(unsaved)",
        text=generated.text,
        engine=generated.engine,
        model_id=generated.model_id,
        parameters=parameters,
        input_hash=input_hash(source),
        tokens_in=generated.tokens_in,
        tokens_out=generated.tokens_out,
        seconds=round(generated.seconds, 3),
        flags=generated.flags,
        fallback_reason=generated.fallback_reason,
        task_id=task_id,
    )


def _model_drafts(
    loaded: engine.Loaded,
    entries: Sequence[Entry],
    profile: DecodingProfile | None,
    knobs: decoding.Settings,
    task_id: str,
    report: Report,
    progress: Callable[[int], None] | None,
    batch_size: int,
) -> None:
    sources = [prompts.source_for(entry) for entry in entries]
    batch = engine.generate(loaded, sources, knobs, batch_size=batch_size, progress=progress)
    for entry, source, outputs in zip(entries, sources, batch, strict=True):
        rows = [
            _draft_row(entry, source, profile, knobs, generated, task_id)
            for generated in _from_outputs(loaded, source, outputs)
        ]
        report.draft_ids += [row.pk for row in Draft.objects.bulk_create(rows)]
        report.drafted += 1


def _fallback_draft(
    entry: Entry, profile: DecodingProfile | None, knobs: decoding.Settings, reason: str, task_id: str
) -> Draft:
    source = prompts.source_for(entry)
    draft = _draft_row(entry, source, profile, knobs, _from_fallback(source, reason), task_id)
    draft.save()
    return draft


def draft_entries(
    entry_ids: Iterable[int],
    profile: DecodingProfile | None = None,
    *,
    task_id: str = "",
    batch_size: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Draft every entry with `profile` (default profile when None). Never raises for one bad entry."""
    began = time.monotonic()
    profile = profile or DecodingProfile.default()
    knobs = profile.settings()
    entries = list(Entry.objects.filter(pk__in=list(entry_ids)).order_by("pk"))
    report = Report()
    try:
        loaded: engine.Loaded | None = engine.load()
    except engine.ModelUnavailable as exc:
        loaded, report.fallback_reason = None, str(exc)
    step = batch_size or settings.SUMMARIZER_BATCH_SIZE
    # Chunks bound memory and let progress move; the engine sorts by length inside each chunk.
    chunk_size = step * 4 if loaded else 1
    for start in range(0, len(entries), chunk_size):
        chunk = entries[start : start + chunk_size]
        if loaded is not None:
            drafted, saved = report.drafted, len(report.draft_ids)
            try:
                # A savepoint: a failed insert must not poison the caller's transaction, and the
                # batch's rows roll back together so the one-by-one retry cannot duplicate them.
                with transaction.atomic():
                    _model_drafts(loaded, chunk, profile, knobs, task_id, report, progress, step)
                continue
            except Exception as exc:  # one bad batch must not stop the run; retried singly below
                log.warning("summarizer: batch of %d failed (%s); retrying one by one", len(chunk), exc)
                report.drafted, report.draft_ids = drafted, report.draft_ids[:saved]
            for entry in chunk:
                try:
                    with transaction.atomic():
                        _model_drafts(loaded, [entry], profile, knobs, task_id, report, None, step)
                except Exception as exc:
                    log.exception("summarizer: entry %s failed", entry.pk)
                    report.failed += 1
                    report.errors[entry.pk] = f"{type(exc).__name__}: {exc}"
            if progress:
                progress(len(chunk))
            continue
        for entry in chunk:
            try:
                draft = _fallback_draft(entry, profile, knobs, report.fallback_reason, task_id)
                report.draft_ids.append(draft.pk)
                report.fallback += 1
            except Exception as exc:
                log.exception("summarizer: fallback for entry %s failed", entry.pk)
                report.failed += 1
                report.errors[entry.pk] = f"{type(exc).__name__}: {exc}"
            if progress:
                progress(1)
    report.seconds = time.monotonic() - began
    return report


def draft_pending(profile: DecodingProfile | None = None, **kwargs: Any) -> Report:
    return draft_entries(pending_entry_ids(), profile, **kwargs)


def preview(source: prompts.Source, knobs: decoding.Settings) -> list[Generated]:
    """Drafts for a text without saving anything (the playground)."""
    try:
        loaded = engine.load()
    except engine.ModelUnavailable as exc:
        return [_from_fallback(source, str(exc))]
    return _from_outputs(loaded, source, engine.generate(loaded, [source], knobs)[0])
