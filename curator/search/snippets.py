"""Snippets: plain text with highlight markers in, escaped HTML with <mark> out."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from curator.search.documents import MARK_CLOSE, MARK_OPEN

WINDOW = 220


def highlight(marked: str) -> SafeString:
    """Escape everything, then turn the markers (which indexed text can never contain) into <mark>."""
    escaped = str(escape(marked))
    opened = escaped.count(MARK_OPEN)
    html = escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    if opened > escaped.count(MARK_CLOSE):  # a fragment cut after an opening marker
        html += "</mark>" * (opened - escaped.count(MARK_CLOSE))
    # safe: the text was escaped above; only our own <mark> tags were added
    return mark_safe(html)  # noqa: S308


def mark_terms(text: str, terms: list[str]) -> str:
    """The plain fallback of ts_headline: a window around the first term, every term marked."""
    if not text:
        return ""
    pattern = re.compile("|".join(re.escape(t) for t in terms if t), re.IGNORECASE) if terms else None
    found = pattern.search(text) if pattern else None
    start = max(0, found.start() - WINDOW // 3) if found else 0
    window = text[start : start + WINDOW]
    if start > 0:
        window = "… " + window.split(" ", 1)[-1]
    if start + WINDOW < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    if pattern:
        window = pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", window)
    return window
