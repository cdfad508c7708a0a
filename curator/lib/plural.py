"""Counts in messages: "1 entry", "3 entries", never "1 entries" or "entry(s)"."""

from __future__ import annotations

from django.utils.translation import ngettext


def counted(number: int, singular: str, plural: str) -> str:
    """`counted(1, "entry", "entries")` -> "1 entry"; ngettext so a translation can take over."""
    return f"{number} {ngettext(singular, plural, number)}"
