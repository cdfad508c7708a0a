"""The header rss.arxiv.org puts before every listing item's abstract, and the announce type it carries.

Today's listing feeds describe each item as ``arXiv:2211.17192v2 Announce Type: replace`` then a newline
and ``Abstract: ...``. The header is bookkeeping, not prose: left in place it opens the abstract, the
draft and, through *Add to issue*, the email. The announce type itself is worth keeping as data: a
``replace`` is a new version of an old paper, not news, and editors filter on it.
"""

from __future__ import annotations

import re

ANNOUNCE_TYPES = ("new", "cross", "replace", "replace-cross")

# The header, anchored at the start; HTML versions of it come through as text after html_to_text, and
# a <p> around the header (some mirrors) is allowed for in strip_header_html.
_HEADER = re.compile(
    r"^\s*arXiv:\s*\S+\s+Announce\s+Type:\s*(?P<type>[A-Za-z-]+)\s*(?:Abstract:\s*)?",
    re.IGNORECASE,
)
_HEADER_HTML = re.compile(
    r"^(?P<open>\s*(?:<p>\s*)?)arXiv:\s*\S+\s+Announce\s+Type:\s*(?P<type>[A-Za-z-]+)\s*(?:<br\s*/?>\s*)?(?:Abstract:\s*)?",
    re.IGNORECASE,
)


def _known(kind: str) -> str:
    kind = kind.strip().lower()
    return kind if kind in ANNOUNCE_TYPES else ""


def split_header(text: str) -> tuple[str, str]:
    """(announce type or "", text without the header). Text without a header comes back unchanged,
    so cleaning twice is cleaning once."""
    match = _HEADER.match(text or "")
    if not match:
        return "", text
    return _known(match.group("type")), text[match.end() :].lstrip()


def strip_header_html(fragment: str) -> str:
    """The same header removed from the start of sanitized HTML, keeping an opening <p> in place."""
    match = _HEADER_HTML.match(fragment or "")
    if not match:
        return fragment
    return match.group("open") + fragment[match.end() :].lstrip()


def clean_type(value: str) -> str:
    """An announce type as stored: one of ANNOUNCE_TYPES, or "" for anything else."""
    return _known(value)


def clean_stored(batch_size: int = 500) -> int:
    """Strip the header from papers stored before it was stripped at ingest; returns how many changed.

    Idempotent: a cleaned abstract has no header left, so a second run changes nothing. The announce
    type read from the header fills a blank one and never overwrites one already stored.
    """
    from curator.feeds.models import Entry

    changed = 0
    rows = Entry.objects.exclude(arxiv_id="").filter(abstract__iregex=r"^\s*arXiv:\S+\s+Announce\s+Type:")
    for entry in rows.only("pk", "abstract", "content_html", "announce_type").iterator(chunk_size=batch_size):
        kind, abstract = split_header(entry.abstract)
        entry.abstract = abstract
        entry.content_html = strip_header_html(entry.content_html)
        entry.announce_type = entry.announce_type or kind
        entry.save(update_fields=["abstract", "content_html", "announce_type", "updated_at"])
        changed += 1
    return changed
