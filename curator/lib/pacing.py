"""Request slots shared by every process that uses the same Redis: politeness across workers.

arXiv asks for one API request every three seconds from a client, not from each of its processes,
and a mail provider's sending limit counts every connection of the account. An ingest worker
started with `-c 4`, a second worker machine and `manage.py ingest` run by hand are all one client
to arXiv (as mail workers are to the provider), so the spacing lives in Redis: each caller atomically reserves the
next free slot (at least `interval` after the previous reservation, on the Redis server's clock so
hosts need not agree on the time) and sleeps until it. Reservations queue callers in arrival
order without polling. Without REDIS_URL (the embedded demo) or while Redis is unreachable the
callers fall back to per-process spacing, which a `Pacer` keeps anyway.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)

KEY_PREFIX = "curator:pace:"
# KEYS[1]: the slot key. ARGV[1]: interval in microseconds. Returns the wait in microseconds.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[1]))
local start = now
if last and last + tonumber(ARGV[1]) > now then start = last + tonumber(ARGV[1]) end
redis.call('SET', KEYS[1], string.format('%.0f', start), 'PX', math.floor((start - now) / 1000) + 600000)
return string.format('%.0f', start - now)
"""

_client_lock = threading.Lock()
_clients: dict[str, Any] = {}
_warned = False


def _script(url: str) -> Any:
    import redis

    with _client_lock:
        if url not in _clients:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            _clients[url] = client.register_script(_RESERVE)
        return _clients[url]


def reserve(name: str, interval: float) -> float | None:
    """Seconds to wait before this caller's request to `name`; None when there is no shared store."""
    global _warned
    url = settings.REDIS_URL
    if not url:
        return None
    try:
        waited = _script(url)(keys=[KEY_PREFIX + name], args=[int(interval * 1_000_000)])
    except Exception as exc:  # redis errors and socket errors alike: pacing must never fail an ingest
        if not _warned:
            log.warning("pacing: Redis unavailable (%s); spacing %s requests within this process only", exc, name)
            _warned = True
        return None
    _warned = False
    return int(waited) / 1_000_000


def wait(name: str, interval: float, sleep: Callable[[float], None] = time.sleep) -> float:
    """Sleep until this caller's shared slot for `name`; returns the seconds slept (0 without a store).

    Call it after the caller's own per-process wait, so the reserved slot is never earlier than the
    request that follows.
    """
    waited = reserve(name, interval) if interval > 0 else None
    if not waited:
        return 0.0
    sleep(waited)
    return waited


class Pacer:
    """Spaces calls at least `interval` seconds apart, within this process and, by `name`, across all.

    The threads of a process take turns under a lock held while sleeping, so two cannot wake up
    and fire together; then each call also takes its slot from the shared schedule for `name`
    (None: this process only). An interval of 0 means no limit.
    """

    def __init__(
        self,
        name: str | None,
        interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.name = name
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None
        self._lock = threading.Lock()

    @classmethod
    def per_second(cls, name: str | None, rate: float, **kwargs: Any) -> Pacer:
        """At most `rate` calls a second (0 = no limit), the way rate limits are usually stated."""
        return cls(name, 1.0 / rate if rate > 0 else 0.0, **kwargs)

    def wait(self, interval: float | None = None) -> None:
        """Block until the caller may go; `interval` overrides the pacer's own for this call."""
        interval = self.interval if interval is None else interval
        if not interval:
            return
        with self._lock:
            now = self.clock()
            if self.next_at is not None and self.next_at > now:
                self.sleep(self.next_at - now)
                now = self.next_at
            if self.name:
                wait(self.name, interval, self.sleep)
            # From the moment this caller goes, not from the planned slot: the next call's return
            # is then at least `interval` after this one's, even when a sleep ends a hair early.
            self.next_at = max(now, self.clock()) + interval
