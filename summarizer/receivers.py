"""Reaction to new entries: queue a draft for each, without ever failing the ingest that sent it."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


def on_entries_created(sender: Any, entry_ids: list[int], **kwargs: Any) -> None:
    from summarizer.experiments import profiles_for_new_entries
    from summarizer.tasks import draft_blurb

    try:
        with transaction.atomic():  # all the drafts or none; handed over together when this commits
            for profile_id in profiles_for_new_entries():  # the default profile, or A and B during an experiment
                for entry_id in entry_ids:
                    draft_blurb.delay(entry_id, profile_id, False)
    except Exception:  # a broker outage must not undo or fail an ingest; draft_pending catches up
        log.exception("summarizer: could not queue drafts for %d new entries", len(entry_ids))
