"""Subscriber CSV import and export for the admin."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from curator.mailing.models import Subscriber

EXPORT_FIELDS = ["email", "name", "status", "confirmed_at", "unsubscribed_at", "created_at"]
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read: nothing was imported."""


@dataclass
class ImportReport:
    created: list[Subscriber] = field(default_factory=list)
    duplicates: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)


def decode_upload(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"The file is not UTF-8 text (byte {exc.start}). Save it as CSV UTF-8.") from None


def import_subscribers(text: str, status: str) -> ImportReport:
    """Validate every row, create the good ones, skip addresses already known (any case).

    Bad rows are reported with their line number and do not stop the good ones.
    """
    if status not in (Subscriber.Status.ACTIVE, Subscriber.Status.PENDING):
        raise ImportFileError(f"Cannot import subscribers as {status!r}.")
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "email" not in headers:
        raise ImportFileError("The first row must be a header with an 'email' column (and optionally 'name').")
    reader.fieldnames = headers
    report = ImportReport()
    seen: set[str] = set()
    rows: list[tuple[int, str, str]] = []
    try:
        for row in reader:
            line = reader.line_num
            email = (row.get("email") or "").strip()
            name = (row.get("name") or "").strip()
            try:
                validate_email(email)
            except ValidationError:
                report.errors.append((line, f"{email!r} is not a valid email address"))
                continue
            if len(email) > 254 or len(name) > 200:
                report.errors.append((line, "email longer than 254 or name longer than 200 characters"))
                continue
            if email.lower() in seen:
                report.duplicates += 1
                continue
            seen.add(email.lower())
            rows.append((line, email, name))
    except csv.Error as exc:
        raise ImportFileError(f"Line {reader.line_num}: {exc}") from None
    existing: set[str] = set()
    for start in range(0, len(rows), 1000):
        chunk = [email.lower() for _, email, _ in rows[start : start + 1000]]
        existing |= set(
            Subscriber.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list("email_lower", flat=True)
        )
    now = timezone.now()
    new = []
    for _, email, name in rows:
        if email.lower() in existing:
            report.duplicates += 1
            continue
        new.append(
            Subscriber(
                email=email,
                name=name,
                status=status,
                confirmed_at=now if status == Subscriber.Status.ACTIVE else None,
                created_at=now,
            )
        )
    with transaction.atomic():
        # ignore_conflicts: a sign-up racing the import must not fail the whole file
        Subscriber.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    # bulk_create with ignore_conflicts returns no ids; the shared timestamp identifies this import's rows.
    report.created = list(Subscriber.objects.filter(created_at=now))
    return report


def export_subscribers(subscribers: Iterable[Subscriber], out: io.TextIOBase) -> None:
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    for s in subscribers:
        writer.writerow(
            [
                s.email,
                s.name,
                s.status,
                s.confirmed_at.isoformat() if s.confirmed_at else "",
                s.unsubscribed_at.isoformat() if s.unsubscribed_at else "",
                s.created_at.isoformat(),
            ]
        )
