"""Broker leases: a live worker keeps the messages it holds, a dead worker's come back in seconds.

Tasks acknowledge late, so a message a worker has received stays in kombu's `unacked_index` (a
Redis sorted set scored with the delivery time) until the task finishes; any worker re-queues the
entries older than the broker's visibility timeout. An hour-long timeout made a killed worker's
task wait an hour. A short timeout alone would hand a slow but healthy task (a big send, a model
load, a retry waiting for its countdown) to a second worker while the first still runs it. So the
timeout is short (WORKER_LEASE_SECONDS) and every worker process re-scores each message it holds
several times per timeout: the score becomes a lease that only a living worker keeps fresh.

Only the Redis broker has this set; with any other broker (the in-memory demo) nothing is renewed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

import redis
from celery import Celery, signals
from celery.worker.request import Request

log = logging.getLogger(__name__)

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
RECENT = 5.0  # seconds during which a tag kombu has not indexed yet is kept anyway

_held: dict[str, float] = {}  # delivery tag -> when this process received it (monotonic)
_held_lock = threading.Lock()
_stop = threading.Event()


def renewal_interval(lease_seconds: int) -> float:
    """Six renewals per lease: a worker must miss five in a row before its messages are taken."""
    return lease_seconds / 6


def unacked_index_key(app: Celery) -> str:
    options = app.conf.broker_transport_options or {}
    return options.get("global_keyprefix", "") + options.get("unacked_index_key", "unacked_index")


def renew(client: redis.Redis, key: str, tags: Iterable[str], now: float) -> set[str]:
    """Re-score the tags still waiting for their ack; returns those (acked ones are gone from the set).

    ZADD XX only updates members that exist, so a message acknowledged between the two commands is
    not brought back to life.
    """
    tags = sorted(tags)
    if not tags:
        return set()
    scores = client.zmscore(key, tags)
    alive = {tag for tag, score in zip(tags, scores, strict=True) if score is not None}
    if alive:
        client.zadd(key, dict.fromkeys(alive, now), xx=True)
    return alive


def hold(tag: str) -> None:
    with _held_lock:
        _held[tag] = time.monotonic()


def held() -> list[str]:
    with _held_lock:
        return list(_held)


def forget_all() -> None:
    """Stop renewing every held message: after a lost broker connection nobody here can ack them."""
    with _held_lock:
        _held.clear()


def forget_all_but(alive: set[str], recent: float = RECENT) -> None:
    # A tag received a moment ago may not be indexed by kombu yet; keep it until the next round.
    cutoff = time.monotonic() - recent
    with _held_lock:
        for tag, received in list(_held.items()):
            if tag not in alive and received < cutoff:
                del _held[tag]


def renew_forever(app: Celery, lease_seconds: int, stop: threading.Event) -> None:
    """The worker's heartbeat thread: renew every held message until the worker stops."""
    client = redis.Redis.from_url(app.conf.broker_url)
    key = unacked_index_key(app)
    interval = renewal_interval(lease_seconds)
    while not stop.wait(interval):
        try:
            forget_all_but(renew(client, key, held(), time.time()))
        except redis.RedisError as exc:  # the broker is down: nothing to renew, and nobody can steal
            log.warning("could not renew broker leases: %s", exc)


@signals.task_received.connect
def _on_task_received(sender: object = None, request: Request | None = None, **kwargs: object) -> None:
    tag = request.message.delivery_tag if request is not None else None
    if tag:
        hold(str(tag))


@signals.worker_ready.connect
def _on_worker_ready(sender: Any = None, **kwargs: object) -> None:  # sender: the worker's Consumer
    from django.conf import settings

    app = sender.app if sender is not None else None
    if app is None or not str(app.conf.broker_url).startswith(REDIS_SCHEMES):
        return
    _stop.clear()
    thread = threading.Thread(
        target=renew_forever, args=(app, settings.WORKER_LEASE_SECONDS, _stop), name="broker-leases", daemon=True
    )
    thread.start()


@signals.worker_shutdown.connect
def _on_worker_shutdown(**kwargs: object) -> None:
    _stop.set()
