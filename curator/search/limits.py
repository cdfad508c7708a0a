"""Flood limit on public search, counted in the shared cache like the sign-up form's (mailing.signup_limits)."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)
CACHE_DOWN = (RedisError, OSError)


def take_search_slot(ip: str) -> bool:
    """Count one search from this IP; False once it ran SEARCH_PER_IP_MINUTE within the minute.

    Unlike sign-ups, a search sends nothing anywhere, so with the cache down searches go through
    (failing open) rather than the archive losing its search box.
    """
    limit = settings.SEARCH_PER_IP_MINUTE
    if limit <= 0:
        return True
    key = f"search:ip:{hashlib.sha256(ip.encode()).hexdigest()}"
    try:
        cache.add(key, 0, timeout=60)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.add(key, 1, timeout=60)
            count = 1
    except CACHE_DOWN:
        log.warning("search limits: the cache is unreachable, searches are not counted")
        return True
    return count <= limit
