"""The address a request came from, as the login lockout and the sign-up limits count it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT trusted proxies, the address the outermost proxy saw.

    X-Forwarded-For is read only when proxies are declared: otherwise a client could name a new address
    with every attempt and never reach the per-address limit. Each trusted proxy appends the address it
    saw, so the client's is the N-th from the right; anything further left the client wrote itself.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-count] if len(hops) >= count else remote
