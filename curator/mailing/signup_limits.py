"""Flood limits on the public sign-up form, kept in Django's cache.

Double opt-in stops anyone being subscribed against their will, but not someone using the form to
send a stranger a stream of confirmation emails, or a bot filling the table. The counters live in
the cache (Redis in production) so every web process sees the same numbers; they are limits, not
locks: losing them in a Redis restart only lets one more email through.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    # Hashed so an address never sits in Redis in clear text, and any length fits a cache key.
    return f"mailing:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def take_signup_slot(ip: str) -> bool:
    """Count one sign-up from this IP; False once it made MAILING_SIGNUPS_PER_IP_HOUR within the hour."""
    limit = settings.MAILING_SIGNUPS_PER_IP_HOUR
    if limit <= 0:
        return True
    key = _key("ip", ip)
    cache.add(key, 0, timeout=3600)  # the window starts with the first sign-up of the hour
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is the first of a new window
        cache.add(key, 1, timeout=3600)
        count = 1
    return count <= limit


def take_confirmation_slot(email: str) -> bool:
    """True when no confirmation went to this address in the last MAILING_CONFIRM_RESEND_MINUTES.

    cache.add is atomic (SET NX on Redis), so two simultaneous sign-ups of one address send one email.
    """
    minutes = settings.MAILING_CONFIRM_RESEND_MINUTES
    if minutes <= 0:
        return True
    return cache.add(_key("confirm", email.strip().lower()), 1, timeout=minutes * 60)
