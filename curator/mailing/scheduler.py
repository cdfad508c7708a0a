"""Is anything starting scheduled sends? The record of the last run, and the demo's own scheduler thread.

A schedule only starts if something runs `schedule.start_due_sends` every few seconds: Celery beat
with a mail worker in production, or, in the eager demo (`make run`), the thread below inside
`manage.py runserver`. Each run records its time in the database, whoever ran it, so every page that
shows a schedule can say truthfully when nothing has run lately: "this send will not start".
"""

from __future__ import annotations

import datetime
import logging
import os
import sys
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from curator.mailing.models import SchedulerRun

log = logging.getLogger(__name__)

NAME = "scheduled-sends"
# Beat runs the check every 15 s and the demo thread every 5 s; two minutes without a run is not a hiccup.
STALE_AFTER = datetime.timedelta(minutes=2)
THREAD_INTERVAL = 5.0


def record_run(now: datetime.datetime | None = None) -> None:
    SchedulerRun.objects.update_or_create(name=NAME, defaults={"last_run_at": now or timezone.now()})


def last_run() -> datetime.datetime | None:
    return SchedulerRun.objects.filter(name=NAME).values_list("last_run_at", flat=True).first()


def is_running(now: datetime.datetime | None = None) -> bool:
    """True when a scheduler ran within STALE_AFTER: a pending schedule will be started."""
    ran = last_run()
    return ran is not None and ran >= (now or timezone.now()) - STALE_AFTER


def tick() -> None:
    """One scheduler run, as beat's task does it: start what is due (which records the run)."""
    from curator.mailing import schedule  # schedule imports this module (record_run)

    schedule.start_due_sends()


def _loop(interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):  # the first run after one interval: start-up is finished by then
        try:
            close_old_connections()
            tick()
        except Exception:  # one failed tick (a locked SQLite file) must not end the demo's scheduler
            log.exception("the in-process scheduler failed; trying again in %s s", interval)
        finally:
            close_old_connections()


def start_thread(interval: float = THREAD_INTERVAL) -> threading.Event:
    """Run the scheduler in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=_loop, args=(interval, stop), name="curator-scheduler", daemon=True).start()
    log.info("scheduled sends are started by a thread of this process (every %s s)", interval)
    return stop


def serves_requests_here(argv: list[str] | None = None) -> bool:
    """The process `manage.py runserver` serves from (the autoreloader's child, or the only one with --noreload)."""
    argv = sys.argv if argv is None else argv
    if len(argv) < 2 or argv[1] != "runserver":
        return False
    return os.environ.get("RUN_MAIN") == "true" or "--noreload" in argv


def start_if_demo() -> None:
    """Called once at start-up: the eager demo has no beat, so its web process runs the scheduler itself."""
    if settings.MAILING_SCHEDULER_THREAD and settings.CELERY_TASK_ALWAYS_EAGER and serves_requests_here():
        start_thread()
