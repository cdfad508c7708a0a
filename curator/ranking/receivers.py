"""Reaction to new entries: queue their embedding, without ever failing the ingest that sent it."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def on_entries_created(sender: Any, entry_ids: list[int], **kwargs: Any) -> None:
    from curator.ranking.tasks import embed_entries

    try:
        embed_entries.delay(list(entry_ids))
    except Exception:  # a broker outage must not fail an ingest; `manage.py rank` embeds what is missing
        log.exception("ranking: could not queue embedding of %d new entries", len(entry_ids))
