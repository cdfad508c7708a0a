"""When to refit: after triage decisions, at most once per RANKING_REFIT_DELAY, never inside a request.

A decision marks the model stale and queues one delayed refit unless one is already waiting, so a
burst of clicks costs one fit. `pending` is flipped with conditional UPDATEs: two editors deciding at
once still queue a single task, and the task that clears the flag is the only one that fits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from curator.ranking import fit, scoring
from curator.ranking.models import RefitRequest, RelevanceModel


def request_refit() -> bool:
    """Note a decision; True when this call queued the refit (False: one is already waiting)."""
    from curator.ranking.tasks import refit_model

    RefitRequest.objects.get_or_create(pk=1)
    queued = RefitRequest.objects.filter(pk=1, pending=False).update(pending=True, requested_at=timezone.now())
    if queued:
        transaction.on_commit(lambda: refit_model.apply_async(countdown=settings.RANKING_REFIT_DELAY))
    return bool(queued)


def run_requested_refit() -> RelevanceModel | None:
    """Fit and rescore if a refit is waiting; None when another worker took it (or none was asked)."""
    claimed = RefitRequest.objects.filter(pk=1, pending=True).update(pending=False)
    if not claimed:
        return None
    return refit_now()


def refit_now() -> RelevanceModel:
    model = fit.fit()
    scoring.rescore(model)
    return model
