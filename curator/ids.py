"""Row ids from text that a request (or a remote server) wrote.

`str.isdigit()` is true for superscripts and other non-ASCII digits that `int()` refuses ('²'), and
`int()` itself accepts signs, spaces, underscores and Arabic-Indic digits: either way junk reached a
query and answered 500. One strict parser, so junk is a 400/404 everywhere.
"""

from __future__ import annotations

import re

# Largest value of PostgreSQL's bigint: anything larger cannot be a row id and overflows the query.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value: object) -> int | None:
    """A positive row id from ASCII digits only, or None for anything else (including ints out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ASCII_DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 0 < number <= MAX_ID else None


def ascii_digits(value: str) -> int | None:
    """A non-negative whole number written in ASCII digits only (Retry-After seconds, counters)."""
    return int(value) if re.fullmatch(r"[0-9]+", value) else None
