"""Logging filters: periodic housekeeping is debug-level chatter, not the worker's story.

The resume sweep runs every 15 seconds and the outbox sweep every minute; their "Task ... received"
and "succeeded" lines (and beat's "Sending due task") made up half of a worker's log. They are
lowered to DEBUG, and shown only when LOG_LEVEL=DEBUG. What the tasks themselves report
("resuming stalled send of issue 4", "outbox: handed over 3") keeps its level.
"""

from __future__ import annotations

import logging

HOUSEKEEPING_TASKS = (
    "curator.mailing.tasks.resume_sending",
    "curator.mailing.tasks.start_scheduled_sends",
    "curator.outbox.tasks.sweep_outbox",
)


class HousekeepingAtDebug(logging.Filter):
    """Lower Celery's INFO lines about housekeeping tasks to DEBUG (dropped unless DEBUG is on)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO:
            return True
        text = record.getMessage()
        if not any(task in text for task in HOUSEKEEPING_TASKS):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)
