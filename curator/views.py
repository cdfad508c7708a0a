"""Operational endpoints."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from curator.celery import app
from curator.lib.faults import one_line

log = logging.getLogger(__name__)
BROKER_TIMEOUT = 2  # seconds: a load balancer's probe must not hang on a black-holed broker


def database_up() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means "down", whatever its class
        log.warning("healthz: database unreachable: %s", one_line(exc))
        return False
    return True


def broker_up() -> bool:
    """True when the broker accepts a connection; eager mode (the demo) has none to lose."""
    if app.conf.task_always_eager:
        return True
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:  # refused, timed out, bad credentials: all "down" for a health probe
        log.warning("healthz: broker unreachable: %s", one_line(exc))
        return False
    return True


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and compose: 503 names what is down (details go to the log, not the probe)."""
    checks = {"database": database_up(), "broker": broker_up()}
    if all(checks.values()):
        return JsonResponse({"status": "ok"})
    return JsonResponse(
        {"status": "error", "down": [name for name, up in checks.items() if not up]}
        | {name: "ok" if up else "down" for name, up in checks.items()},
        status=503,
    )


@never_cache
def healthz_workers(request: HttpRequest) -> JsonResponse:
    """200 with the live workers and their queues while one has beaten recently, else 503.

    Reads the heartbeat rows the workers write (one query, no broker round trip), so it answers
    the question /healthz cannot: is anyone there to run what is queued?
    """
    from curator.outbox.heartbeats import live_workers

    now = timezone.now()
    try:
        workers = live_workers(now)
    except DatabaseError as exc:
        log.warning("healthz/workers: database unreachable: %s", one_line(exc))
        return JsonResponse({"status": "error", "down": ["database"]}, status=503)
    body = workers.as_dict(now)
    if workers.any_alive:
        return JsonResponse({"status": "ok"} | body)
    return JsonResponse({"status": "error", "down": ["workers"]} | body, status=503)
