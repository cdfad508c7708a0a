"""The sweeper: beat runs it every minute, and every worker runs it once when it starts."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import shared_task

from curator.outbox import handover

log = logging.getLogger(__name__)
SWEEP_BATCH = 1000


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    """Hand over what the web could not queue while the broker was down, batch after batch."""
    result = handover.SweepResult()
    while True:
        batch = handover.sweep(limit=SWEEP_BATCH)
        result.handed_over += batch.handed_over
        result.purged += batch.purged
        result.waiting = batch.waiting
        if batch.waiting or batch.handed_over < SWEEP_BATCH:
            break
    if result.handed_over or result.waiting:
        log.info("outbox: handed over %d, %d still waiting", result.handed_over, result.waiting)
    return {"handed_over": result.handed_over, "waiting": result.waiting, "purged": result.purged}


def sweep_on_worker_start(sender: Any = None, **kwargs: Any) -> threading.Thread:
    """Run a sweep beside the starting worker; a database still down must not stop the worker starting."""

    def run() -> None:
        try:
            sweep_outbox()
        except Exception:  # logged, not raised: beat's next sweep tries again
            log.exception("outbox: sweep at worker start failed")
        finally:
            from django.db import connection

            connection.close()  # this thread's connection, opened only for the sweep

    thread = threading.Thread(target=run, name="outbox-sweep", daemon=True)
    thread.start()
    return thread
