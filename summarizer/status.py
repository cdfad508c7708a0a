"""Whether blurbs come from the model or the offline fallback, and why, without loading the model.

The model lives in the summarize workers, not in the web process that shows the dashboard, and
loading it there would take seconds and gigabytes on a page view. So the answer comes from what is
cheap: the setting, what this process already knows (a model loaded or a load that failed here),
and else the newest draft, which records the engine the workers used and their fallback reason.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from django.conf import settings

from summarizer import backends, engine, plain_reasons
from summarizer.models import Draft


@dataclass(frozen=True)
class SummarizerStatus:
    model_id: str
    engine: str  # "model", "fallback", or "unknown" (a model is set but nothing was drafted yet)
    reason: str
    seen_at: datetime.datetime | None = None  # when the newest draft told us, when that is the source
    backend: str = ""  # where drafts come from, in plain words (backends.label)

    @property
    def uses_fallback(self) -> bool:
        return self.engine == Draft.Engine.FALLBACK

    @property
    def editor_reason(self) -> str:
        """The reason in plain words for the dashboard; the operator's wording goes in its tooltip."""
        return plain_reasons.for_editors(self.reason) if self.uses_fallback else self.reason


def summarizer_status() -> SummarizerStatus:
    """At most one query (the newest draft); never loads a model and never calls the server."""
    status = _status()
    return dataclasses.replace(status, backend=backends.label())


def _status() -> SummarizerStatus:
    if backends.configured() == backends.OPENAI:
        model_id = backends.configured_model()
        if not settings.SUMMARIZER_API_BASE.strip():
            return SummarizerStatus(model_id, Draft.Engine.FALLBACK, "SUMMARIZER_API_BASE is not set")
        if not model_id:
            return SummarizerStatus("", Draft.Engine.FALLBACK, "SUMMARIZER_API_MODEL is not set")
        return _from_newest_draft(model_id)
    model_id = engine.configured_model_id()
    if not model_id:
        return SummarizerStatus("", Draft.Engine.FALLBACK, engine.NO_MODEL)
    loaded, failure = engine.remembered(model_id)
    if loaded:
        return SummarizerStatus(model_id, Draft.Engine.MODEL, "loaded in the web process")
    if failure:
        return SummarizerStatus(model_id, Draft.Engine.FALLBACK, failure)
    return _from_newest_draft(model_id)


def _from_newest_draft(model_id: str) -> SummarizerStatus:
    newest = (
        Draft.objects.only("engine", "model_id", "fallback_reason", "created_at").order_by("-created_at", "-id").first()
    )
    if newest is None:
        return SummarizerStatus(model_id, "unknown", "no draft written yet")
    if newest.engine == Draft.Engine.MODEL:
        return SummarizerStatus(newest.model_id or model_id, Draft.Engine.MODEL, "the newest draft", newest.created_at)
    return SummarizerStatus(model_id, Draft.Engine.FALLBACK, newest.fallback_reason or "unknown", newest.created_at)
