"""An issue's name as readers see it: the site name, the title only when it adds something, the month once.

Editors keep the default title ("Recommended reading") or write the month into it ("… November 2026");
joining site name, title and month blindly printed both twice in subjects, feeds and the archive.
"""

from __future__ import annotations

import datetime
import re

from django.conf import settings

SEPARATOR = " — "
# Punctuation and spaces left at the seam when the site name or the month is cut off a title.
_SEAM = " \t-\u2013\u2014:\u00b7,|/()[]"  # en and em dashes, middle dot


def month_label(month: datetime.date) -> str:
    return f"{month:%B %Y}"


def _month_pattern(month: datetime.date) -> re.Pattern[str]:
    names = {f"{month:%B}", f"{month:%b}", f"{month:%b}."}
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\s+{month:%Y}(?!\w)", re.IGNORECASE)


def _cut_prefix(text: str, prefix: str) -> str:
    if prefix and text.casefold().startswith(prefix.casefold()):
        rest = text[len(prefix) :]
        if not rest or not rest[0].isalnum():
            return rest.strip(_SEAM)
    return text


def title_remainder(title: str, month: datetime.date, site_name: str | None = None) -> str:
    """What the title says beyond the site name and a month at its start or end ('' when nothing)."""
    site = settings.SITE_NAME if site_name is None else site_name
    text = " ".join(title.split()).strip(_SEAM)
    pattern = _month_pattern(month)
    for _ in range(2):  # "November 2026: Recommended reading" and "Recommended reading, November 2026"
        text = _cut_prefix(text, site)
        match = pattern.search(text)
        if match and (match.start() == 0 or match.end() == len(text)):
            text = (text[: match.start()] + text[match.end() :]).strip(_SEAM)
    return "" if text.casefold() == site.casefold() else text


def short_name(title: str, month: datetime.date, site_name: str | None = None) -> str:
    """The title's own words and the month, each once: for lists and messages that already say the site."""
    rest = title_remainder(title, month, site_name)
    if not rest:
        return month_label(month)
    if _month_pattern(month).search(rest):  # the month sits inside the title: it is said already
        return rest
    return f"{rest}{SEPARATOR}{month_label(month)}"


def display_name(title: str, month: datetime.date, site_name: str | None = None) -> str:
    """`Recommended Reading — November 2026`: the subject, feed item, archive entry and page title."""
    site = settings.SITE_NAME if site_name is None else site_name
    return f"{site}{SEPARATOR}{short_name(title, month, site)}" if site else short_name(title, month, site)
