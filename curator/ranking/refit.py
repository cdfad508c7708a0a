"""When to refit: after triage decisions, at most once per RANKING_REFIT_DELAY, never inside a request.

A decision marks the model stale and queues one delayed refit unless one is already waiting, so a
burst of clicks costs one fit. `pending` is flipped with conditional UPDATEs: two editors deciding at
once still queue a single task, and the task that clears the flag is the only one that fits.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from curator.outbox import NamedTask
from curator.ranking import fit, scoring
from curator.ranking.models import RefitRequest, RelevanceModel

refit_model = NamedTask("curator.ranking.tasks.refit_model")  # named: the tasks module imports this one


def request_refit() -> bool:
    """Note a decision; True when this call queued the refit (False: one is already waiting).

    Decisions are made in requests, so the task goes through the outbox: with the broker down the
    decision still succeeds and the refit waits for the sweeper, instead of a 500 that would also
    leave `pending` set with no task to clear it. The outbox has no countdown; the task waits out
    RANKING_REFIT_DELAY itself (`seconds_until_due`).
    """
    RefitRequest.objects.get_or_create(pk=1)
    queued = RefitRequest.objects.filter(pk=1, pending=False).update(pending=True, requested_at=timezone.now())
    if queued:
        refit_model.delay()
    return bool(queued)


def seconds_until_due() -> float:
    """How long a waiting refit should still wait for more decisions (0: fit now, or nothing waits)."""
    request = RefitRequest.objects.filter(pk=1, pending=True).first()
    if request is None or request.requested_at is None:
        return 0.0
    age = (timezone.now() - request.requested_at).total_seconds()
    return max(0.0, settings.RANKING_REFIT_DELAY - age)


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
