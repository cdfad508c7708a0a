"""What counts as a web URL: http or https, with a host and a readable port.

Fetching, canonical URLs and sanitized links all refuse anything else (javascript:, data:, file:,
relative junk, "http://host:99999/"); one definition keeps them from disagreeing.
"""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


class NotWebURL(ValueError):
    """The URL is not an absolute http(s) URL with a host; the message says which part is wrong."""


def web_url_parts(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise NotWebURL(f"malformed URL {url!r}: {exc}") from None
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise NotWebURL(f"only http and https URLs are fetched, not {parts.scheme or 'no scheme'}: {url}")
    if not parts.hostname:
        raise NotWebURL(f"URL has no host: {url}")
    return parts
