"""Canonical URLs: the key under which the same article, reached by different links, collapses into one entry."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlunsplit

from curator.feeds.web_urls import NotWebURL, web_url_parts

# Query parameters that say how a reader arrived, never what they are reading.
TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "mkt_tok",
    "_hsenc",
    "_hsmi",
    "ref",
    "ref_src",
    "ref_url",
    "source",
    "spm",
    "s_cid",
    "cmpid",
    "ncid",
    "sr_share",
    "at_medium",
    "at_campaign",
}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "vero_", "oly_")


@lru_cache(maxsize=8192)
def canonical_url(url: str) -> str:
    """Scheme-less, lower-case host, no www, no default port, no fragment, no tracking, sorted query.

    The scheme is dropped (and "https" put back) because feeds of the same site disagree on http vs
    https far more often than two different articles share a path.
    """
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = web_url_parts(url)
    except NotWebURL:
        return ""
    port = parts.port
    host = (parts.hostname or "").lower().rstrip(".")  # never empty: web_url_parts refused a URL without one
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1:
        path = path.rstrip("/")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))
