"""Flood limits on the public sign-up form, kept in Django's cache.

Double opt-in stops anyone being subscribed against their will, but not someone using the form to
send a stranger a stream of confirmation emails, or a bot filling the table. The counters live in
the cache (Redis in production) so every web process sees the same numbers; they are limits, not
locks: losing them in a Redis restart only lets one more sign-up through.

While the cache cannot be reached the public form fails closed (`LimitsUnavailable`, a 503 page that
depends on nothing the sender typed): counting in each process's memory instead let every web
process take its own share. The confirmation window has a second, durable record in the database
(signups.py), so the cache is only its guard against two workers deciding at the same moment.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
# What Django's Redis cache raises when its server is unreachable.
CACHE_DOWN = (RedisError, OSError)


class LimitsUnavailable(Exception):
    """The shared counters cannot be reached, so no sign-up can be counted."""


def _key(kind: str, value: str) -> str:
    # Hashed so an address never sits in Redis in clear text, and any length fits a cache key.
    return f"mailing:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def take_signup_slot(ip: str) -> bool:
    """Count one sign-up from this IP; False once it made MAILING_SIGNUPS_PER_IP_HOUR within the hour."""
    limit = settings.MAILING_SIGNUPS_PER_IP_HOUR
    if limit <= 0:
        return True
    key = _key("ip", ip)
    try:
        cache.add(key, 0, timeout=3600)  # the window starts with the first sign-up of the hour
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr: this is the first of a new window
            cache.add(key, 1, timeout=3600)
            count = 1
    except CACHE_DOWN as exc:
        log.warning("sign-up limits: the cache is unreachable, refusing sign-ups until it is back")
        raise LimitsUnavailable from exc
    return count <= limit


def take_confirmation_slot(mailbox: str, owner: int) -> bool:
    """True when sign-up `owner` may mail `mailbox` (a mailbox key) in this MAILING_CONFIRM_RESEND_MINUTES.

    cache.add is atomic (SET NX on Redis), so two workers deciding about one inbox at once mail it
    once; the same sign-up asking again (a retried task) keeps its slot. With the cache down the
    database check in signups.py is what holds, so this answers True.
    """
    minutes = settings.MAILING_CONFIRM_RESEND_MINUTES
    if minutes <= 0:
        return True
    key = _key("confirm", mailbox)
    try:
        return cache.add(key, owner, timeout=minutes * 60) or cache.get(key) == owner
    except CACHE_DOWN:
        log.warning("sign-up limits: the cache is unreachable, the resend window relies on the database")
        return True
