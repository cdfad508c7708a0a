"""Subscriber CSV reading and writing: row validation on the way in, formula-safe cells on the way out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from curator.mailing.addresses import normalize_address
from curator.mailing.models import Subscriber

EXPORT_FIELDS = ["email", "name", "status", "confirmed_at", "unsubscribed_at", "created_at"]
# OWASP CSV injection: a spreadsheet treats a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing was imported."""


@dataclass(frozen=True)
class CsvRow:
    """One data row: either a usable (email, name) or the reason it was refused."""

    line: int
    email: str = ""
    name: str = ""
    error: str = ""


def decode_upload(data: bytes) -> str:
    limit = settings.MAILING_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ImportFileError(f"The file is larger than {limit // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start}). Save it as CSV UTF-8.") from None


def _reader(text: str) -> csv.DictReader:
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise ImportFileError(f"Line 1: {exc}") from None
    if "email" not in headers:
        raise ImportFileError("The first row must be a header with an 'email' column (and optionally 'name').")
    reader.fieldnames = headers
    return reader


def check_header(text: str) -> None:
    """Refuse a file without an email column while the person uploading it is still on the page."""
    _reader(text)


def _control_character(value: str) -> str | None:
    found = CONTROL_CHARACTER.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


def unprotect(cell: str) -> str:
    """Undo the quote our export put before a formula-like cell, so an export can be imported back."""
    if cell.startswith("'") and cell[1:2] and cell[1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


def read_rows(text: str) -> Iterator[CsvRow]:
    """Every data row, validated on its own: one bad row is reported and never stops the others.

    Control characters are refused per row: PostgreSQL cannot store NUL in text at all, and the
    others (line breaks, escapes) have no business in an address or a name.
    """
    reader = _reader(text)
    try:
        for row in reader:
            line = reader.line_num
            cells = {key: value for key, value in row.items() if isinstance(key, str) and isinstance(value, str)}
            email = unprotect((cells.get("email") or "").strip())
            name = unprotect((cells.get("name") or "").strip())
            bad = _control_character(email) or _control_character(name)
            if bad:
                yield CsvRow(line, error=f"contains a control character ({bad}); remove it and import the row again")
                continue
            try:
                email = normalize_address(email)
            except ValidationError as exc:
                reason = exc.messages[0] if exc.code in ("ip_literal", "non_ascii") else "is not a valid email address"
                yield CsvRow(line, error=f"{email!r} {reason}")
                continue
            if len(email) > 254 or len(name) > 200:
                yield CsvRow(line, error="email longer than 254 or name longer than 200 characters")
                continue
            yield CsvRow(line, email, name)
    except csv.Error as exc:
        # line_num counts the lines read before the record that failed; it starts on the next one.
        raise ImportFileError(f"Line {reader.line_num + 1}: {exc}") from None


def formula_safe(value: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with a quote, as OWASP recommends.

    Names and even addresses come from the public form, so "=HYPERLINK(...)" is someone's input.
    """
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def export_subscribers(subscribers: Iterable[Subscriber], out: io.TextIOBase) -> None:
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(EXPORT_FIELDS)
    for s in subscribers:
        row = [
            s.email,
            s.name,
            s.status,
            s.confirmed_at.isoformat() if s.confirmed_at else "",
            s.unsubscribed_at.isoformat() if s.unsubscribed_at else "",
            s.created_at.isoformat(),
        ]
        writer.writerow([formula_safe(cell) for cell in row])
