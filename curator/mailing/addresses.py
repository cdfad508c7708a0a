"""Which email addresses may be subscribed, in which spelling, and which inbox they reach.

One address can be typed many ways: a compatibility character that looks like an ASCII letter (the
KELVIN SIGN for K), a domain in Unicode or in punycode, upper or lower case. `normalize_address` turns
each into one stored spelling so the database's case-insensitive unique index and every lookup agree;
`mailbox_key` goes further (tags, quotes, Gmail dots) and names the inbox a confirmation would land in,
for throttling only: the address is kept as typed.
"""

from __future__ import annotations

import unicodedata

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Providers that ignore dots in the local part and know a second domain for the same inboxes.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalize_address(email: str) -> str:
    """The one spelling an address is stored and looked up in; ValidationError for what cannot be mailed.

    NFKC folds look-alike compatibility characters into the letters they stand for; the domain goes
    to lower-case ASCII through IDNA; the local part must then be ASCII, so that PostgreSQL's LOWER
    (the unique index) and Python's lower() (lookups, keys) fold it the same way in every collation.
    """
    email = unicodedata.normalize("NFKC", email.strip())
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain:
        raise ValidationError("Enter a valid email address.", code="invalid")
    if domain.startswith("[") or domain.endswith("]"):
        # A domain literal (user@[127.0.0.1]) makes our mail server connect to whatever address the
        # sender typed, loopback and private networks included; real readers have domain names.
        raise ValidationError("Use an address with a domain name, not an IP address.", code="ip_literal")
    try:
        domain = idna.encode(domain.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise ValidationError("Enter a valid email address.", code="invalid") from None
    if not local.isascii():
        raise ValidationError("Use an address with plain letters and digits before the @.", code="non_ascii")
    email = f"{local}@{domain}"
    validate_email(email)
    return email


def validate_subscriber_address(email: str) -> None:
    """A validator for forms that keep the value as entered (imports, the admin): normalisable or refused."""
    normalize_address(email)


def comparison_key(email: str) -> str:
    """What the unique index compares: LOWER(email) of a normalised (ASCII) address."""
    return email.lower()


def mailbox_key(email: str) -> str:
    """The inbox a normalised address reaches, for counting confirmations sent to one person.

    `kate+news@`, `"kate"@`, `Kate@` and, at Gmail, `k.a.t.e@googlemail.com` all land in one inbox,
    so they share one confirmation window.
    """
    local, _, domain = email.lower().rpartition("@")
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        local = local[1:-1].replace("\\\\", "\0").replace("\\", "").replace("\0", "\\")
    local = local.split("+", 1)[0] or local
    if domain in DOTLESS_DOMAINS:
        domain = DOTLESS_DOMAINS[domain]
        local = local.replace(".", "")
    return f"{local}@{domain}"
