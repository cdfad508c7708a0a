"""Flood limits on the public sign-up form, kept in Django's cache.

Double opt-in stops anyone being subscribed against their will, but not someone using the form to
send a stranger a stream of confirmation emails, or a bot filling the table. The counters live in
the cache (Redis in production) so every web process sees the same numbers; they are limits, not
locks: losing them in a Redis restart only lets one more email through. While the cache cannot be
reached the counting falls back to this process's memory, so a Redis outage degrades the limits to
per-process ones instead of turning every sign-up into a server error.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
T = TypeVar("T")
_local = LocMemCache("signup-limits-fallback", {})


def _counted(step: Callable[[BaseCache], T]) -> T:
    """Run one counting step on the shared cache, or on process memory while the cache is down."""
    try:
        return step(cache)
    except (RedisError, OSError):  # what Django's Redis cache raises when its server is unreachable
        log.warning("sign-up limits: the cache is unreachable, counting in this process only")
        return step(_local)


def _key(kind: str, value: str) -> str:
    # Hashed so an address never sits in Redis in clear text, and any length fits a cache key.
    return f"mailing:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def take_signup_slot(ip: str) -> bool:
    """Count one sign-up from this IP; False once it made MAILING_SIGNUPS_PER_IP_HOUR within the hour."""
    limit = settings.MAILING_SIGNUPS_PER_IP_HOUR
    if limit <= 0:
        return True
    key = _key("ip", ip)

    def count(store: BaseCache) -> int:
        store.add(key, 0, timeout=3600)  # the window starts with the first sign-up of the hour
        try:
            return store.incr(key)
        except ValueError:  # the key expired between add and incr: this is the first of a new window
            store.add(key, 1, timeout=3600)
            return 1

    return _counted(count) <= limit


def take_confirmation_slot(email: str) -> bool:
    """True when no confirmation went to this address in the last MAILING_CONFIRM_RESEND_MINUTES.

    cache.add is atomic (SET NX on Redis), so two simultaneous sign-ups of one address send one email.
    """
    minutes = settings.MAILING_CONFIRM_RESEND_MINUTES
    if minutes <= 0:
        return True
    key = _key("confirm", email.strip().lower())
    return _counted(lambda store: store.add(key, 1, timeout=minutes * 60))
