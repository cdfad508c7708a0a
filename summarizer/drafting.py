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
from summarizer import backends, checks, decoding, engine, faithfulness, fallback, prompts, server
from summarizer.models import DecodingProfile, Draft

log = logging.getLogger(__name__)


@dataclass
class Report:
    drafted: int = 0  # entries that got at least one model draft
    fallback: int = 0  # entries that got an extractive fallback draft
    failed: int = 0  # entries that got nothing
    demoted: int = 0  # of `drafted`, entries whose every model draft was demoted (an extract is shown first)
    seconds: float = 0.0
    draft_ids: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)
    fallback_reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "drafted": self.drafted,
            "fallback": self.fallback,
            "failed": self.failed,
            "demoted": self.demoted,
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
    backend: str = ""  # transformers or openai for model drafts; empty for extracts
    demoted_reason: str = ""  # why it is never shown first (invents or echoes); empty when faithful
    label: str = ""  # what editors see instead of the profile's name, for extracts
    parameters: dict[str, Any] = field(default_factory=dict)  # what else made this text, recorded on the row

    @property
    def demoted(self) -> bool:
        return bool(self.demoted_reason)


def input_hash(source: prompts.Source) -> str:
    return hashlib.sha256(source.text.encode()).hexdigest()


def pending_entries() -> QuerySet[Entry]:
    """Entries without any draft: what `draft --pending` drafts and the dashboard counts."""
    return Entry.objects.filter(~Exists(Draft.objects.filter(entry=OuterRef("pk"))))


def pending_entry_ids() -> list[int]:
    """Entries without any draft, oldest first."""
    return list(pending_entries().order_by("created_at", "pk").values_list("pk", flat=True))


def _from_outputs(
    model_id: str, source: prompts.Source, outputs: Sequence[engine.Output], backend: str = backends.TRANSFORMERS
) -> list[Generated]:
    generated = []
    for output in outputs:
        verdict = faithfulness.judge(output.text, source.text)
        generated.append(
            Generated(
                text=output.text,
                engine=Draft.Engine.MODEL,
                model_id=model_id,
                tokens_in=output.tokens_in,
                tokens_out=output.tokens_out,
                seconds=output.seconds,
                seed=output.seed,
                flags=list(verdict.invented) + [f"echo: {e}" for e in verdict.echoed],
                backend=backend,
                demoted_reason=verdict.reason,
            )
        )
    return generated


NO_MODEL_LABEL = "extract (no model)"
DEMOTED_LABEL = "extract (model drafts demoted)"
DEMOTED_FALLBACK_REASON = "every model draft invented or echoed something; this extract is shown first"


def _from_fallback(source: prompts.Source, reason: str, label: str = NO_MODEL_LABEL) -> Generated:
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
        label=label,
    )


def _draft_row(
    entry: Entry,
    source: prompts.Source,
    profile: DecodingProfile | None,
    knobs: decoding.Knobs,
    generated: Generated,
    task_id: str,
) -> Draft:
    """The one place a Draft is built: the frozen parameters record the seed actually used."""
    parameters = knobs.as_dict() | {"seed_used": generated.seed}
    if generated.fallback_method:
        parameters["fallback_method"] = generated.fallback_method
    parameters |= generated.parameters
    return Draft(
        entry=entry,
        profile=profile,
        # Extracts are labelled as such, so no profile is credited (or blamed) for them.
        profile_name=generated.label or (profile.name if profile else "(unsaved)"),
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
        backend=generated.backend,
        demoted_reason=generated.demoted_reason,
        task_id=task_id,
    )


Produce = Callable[[Sequence[prompts.Source], decoding.Knobs], list[list[Generated] | Exception]]


def _fresh_seed(knobs: decoding.Knobs) -> decoding.Knobs:
    import dataclasses
    import random

    return dataclasses.replace(knobs, seed=random.SystemRandom().randrange(2**31))


def faithful_first(
    source: prompts.Source, generated: list[Generated], knobs: decoding.Knobs, produce: Produce
) -> list[Generated]:
    """The drafts best first; a demoted draft never comes first.

    When every draft invents or echoes, a sampling profile gets one more try with a fresh seed; if
    that fails too, the extract is put first and the model drafts follow, flagged with the reason.
    """
    if generated and all(g.demoted for g in generated) and knobs.sampling:
        again = produce([source], _fresh_seed(knobs))[0]
        if isinstance(again, list):
            generated = generated + again
    ranked = sorted(generated, key=lambda g: (g.demoted, len(g.flags)))
    if ranked and ranked[0].demoted:
        ranked.insert(0, _from_fallback(source, DEMOTED_FALLBACK_REASON, DEMOTED_LABEL))
    return ranked


def producer(loaded: engine.Loaded | None, batch_size: int | None = None, examples: Sequence[str] = ()) -> Produce:
    """Generated drafts per source from the configured backend (an Exception where a source failed);
    `examples` go into every chat (`prompts.chat_messages`)."""
    if loaded is None:

        def from_server(
            sources: Sequence[prompts.Source], knobs: decoding.Knobs
        ) -> list[list[Generated] | Exception]:
            model_id = backends.configured_model(backends.OPENAI)
            results: list[list[Generated] | Exception] = []
            for source, outputs in zip(sources, server.generate(sources, knobs, examples=examples), strict=True):
                if isinstance(outputs, Exception):
                    results.append(outputs)
                else:
                    results.append(_from_outputs(model_id, source, outputs, backends.OPENAI))
            return results

        return from_server

    def from_engine(sources: Sequence[prompts.Source], knobs: decoding.Knobs) -> list[list[Generated] | Exception]:
        batch = engine.generate(loaded, sources, knobs, batch_size=batch_size, examples=examples)
        return [_from_outputs(loaded.model_id, source, outputs) for source, outputs in zip(sources, batch, strict=True)]

    return from_engine


def _model_drafts(
    produce: Produce,
    entries: Sequence[Entry],
    profile: DecodingProfile | None,
    knobs: decoding.Knobs,
    task_id: str,
    report: Report,
    progress: Callable[[int], None] | None,
) -> None:
    sources = [prompts.source_for(entry) for entry in entries]
    batch = produce(sources, knobs)
    if progress:
        progress(len(entries))
    for entry, source, generated in zip(entries, sources, batch, strict=True):
        if isinstance(generated, Exception):
            # The server failed for this entry (dead, slow, malformed): an extract with the reason.
            row = _draft_row(entry, source, profile, knobs, _from_fallback(source, str(generated)), task_id)
            row.save()
            report.draft_ids.append(row.pk)
            report.fallback += 1
            report.fallback_reason = str(generated)
            continue
        ranked = faithful_first(source, generated, knobs, produce)
        # Saved worst first: drafts list newest first, so the best one of this run shows on top.
        rows = [_draft_row(entry, source, profile, knobs, g, task_id) for g in reversed(ranked)]
        report.draft_ids += [row.pk for row in Draft.objects.bulk_create(rows)]
        report.drafted += 1
        if ranked[0].engine != Draft.Engine.MODEL:
            report.demoted += 1


def _fallback_draft(
    entry: Entry, profile: DecodingProfile | None, knobs: decoding.Knobs, reason: str, task_id: str
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
    knobs = profile.knobs()
    entries = list(Entry.objects.filter(pk__in=list(entry_ids)).order_by("pk"))
    report = Report()
    produce: Produce | None = None
    try:
        produce = open_producer(knobs, batch_size)
    except engine.ModelUnavailable as exc:
        report.fallback_reason = str(exc)
    step = batch_size or settings.SUMMARIZER_BATCH_SIZE
    if backends.configured() == backends.OPENAI:
        step = max(step, settings.SUMMARIZER_API_CONCURRENCY)
    # Chunks bound memory and let progress move; the engine sorts by length inside each chunk.
    chunk_size = step * 4 if produce else 1
    for start in range(0, len(entries), chunk_size):
        chunk = entries[start : start + chunk_size]
        if produce is not None:
            drafted, saved = report.drafted, len(report.draft_ids)
            try:
                # A savepoint: a failed insert must not poison the caller's transaction, and the
                # batch's rows roll back together so the one-by-one retry cannot duplicate them.
                with transaction.atomic():
                    _model_drafts(produce, chunk, profile, knobs, task_id, report, progress)
                continue
            except Exception as exc:  # one bad batch must not stop the run; retried singly below
                log.warning("summarizer: batch of %d failed (%s); retrying one by one", len(chunk), exc)
                report.drafted, report.draft_ids = drafted, report.draft_ids[:saved]
            for entry in chunk:
                try:
                    with transaction.atomic():
                        _model_drafts(produce, [entry], profile, knobs, task_id, report, None)
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


def open_producer(
    knobs: decoding.Knobs,
    batch_size: int | None = None,
    examples: Sequence[str] = (),
    backend: str | None = None,
) -> Produce:
    """The configured backend (or `backend`), ready to draft with `knobs`, or ModelUnavailable with the reason.

    A knob the backend cannot honour is refused here too (not only when the profile is saved): the
    backend may have changed since, and the drafts then say which knob and which backend.
    """
    backend = backend or backends.configured()
    refused = backends.refusal_line(knobs.as_dict(), backend)
    if refused:
        raise engine.ModelUnavailable(refused)
    if backend == backends.OPENAI:
        if not settings.SUMMARIZER_API_BASE.strip():
            raise engine.ModelUnavailable("SUMMARIZER_API_BASE is not set")
        if not backends.configured_model(backends.OPENAI):
            raise engine.ModelUnavailable("SUMMARIZER_API_MODEL is not set")
        return producer(None, examples=examples)
    return producer(engine.load(), batch_size, examples)


def preview(source: prompts.Source, knobs: decoding.Knobs, backend: str | None = None) -> list[Generated]:
    """Drafts for a text without saving anything (the playground), best first, as drafting orders them;
    `backend` drafts on another backend than the configured one (the playground's server column)."""
    try:
        produce = open_producer(knobs, backend=backend)
    except engine.ModelUnavailable as exc:
        return [_from_fallback(source, str(exc))]
    generated = produce([source], knobs)[0]
    if isinstance(generated, Exception):
        return [_from_fallback(source, str(generated))]
    return faithful_first(source, generated, knobs, produce)


Extract = Callable[[prompts.Source, str], Generated]


def draft_with_examples(
    entry: Entry,
    examples: Sequence[str],
    knobs: decoding.Knobs,
    *,
    label: str,
    extract: Extract | None = None,
    parameters: dict[str, Any] | None = None,
) -> Draft:
    """One saved draft of `entry` with `examples` as earlier answers in the chat, on either backend.

    The caller decides whose text the examples are and must have their consent: this sends them.
    Only a faithful model draft is kept; when the model cannot draft or every draft is demoted,
    `extract(source, reason)` (default: the offline fallback) is saved instead, with the reason.
    `parameters` are recorded on the row whichever it is.
    """
    source = prompts.source_for(entry)
    make_extract = extract or _from_fallback
    chosen = _best_with_examples(source, examples, knobs, make_extract)
    row = _draft_row(entry, source, None, knobs, chosen, "")
    row.profile_name = label
    row.parameters = row.parameters | (parameters or {})
    row.save()
    return row


def _best_with_examples(
    source: prompts.Source, examples: Sequence[str], knobs: decoding.Knobs, make_extract: Extract
) -> Generated:
    try:
        produce = open_producer(knobs, examples=examples)
        generated = produce([source], knobs)[0]
    except engine.ModelUnavailable as exc:
        generated = exc
    except Exception as exc:  # the model failed on this input (one that does not fit, say): the extract says why
        generated = RuntimeError(f"the model failed: {type(exc).__name__}: {exc}")
    if isinstance(generated, Exception):
        return make_extract(source, str(generated))
    best = faithful_first(source, generated, knobs, produce)[0]
    return best if best.engine == Draft.Engine.MODEL else make_extract(source, best.fallback_reason)
