"""Subscriber CSV imports as background jobs: accept the file, then store it chunk by chunk.

A 300,000-row file takes longer than any web request may; the request only checks the file can be
read and queues it, and a worker stores it in chunks that each commit with the progress the admin
page shows. Every chunk skips addresses already present, so running a file twice (or a worker
dying half-way and the task being delivered again) adds nothing the first run added.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, models, transaction
from django.utils import timezone

from curator.mailing.csvio import CsvRow, ImportFileError, check_header, decode_upload, read_rows
from curator.mailing.models import Subscriber, SubscriberImport, new_confirm_nonce

log = logging.getLogger(__name__)

CHUNK_ROWS = 2000
INSERT_BATCH = 1000  # rows per INSERT statement: 7,000 parameters, under every backend's limit


def accept_upload(upload: UploadedFile, as_status: str, user: User | None) -> SubscriberImport:
    """Store the file as a queued import; ImportFileError (nothing stored) when it cannot be read at all."""
    if as_status not in (Subscriber.Status.ACTIVE, Subscriber.Status.PENDING):
        raise ImportFileError(f"Cannot import subscribers as {as_status!r}.")
    if upload.size is not None and upload.size > settings.MAILING_IMPORT_MAX_BYTES:
        raise ImportFileError(f"The file is larger than {settings.MAILING_IMPORT_MAX_BYTES // (1024 * 1024)} MB.")
    data = upload.read()  # within the limit now, so holding it in memory is bounded
    text = decode_upload(data)
    check_header(text)
    return SubscriberImport.objects.create(
        filename=(upload.name or "upload.csv")[:255],
        as_status=as_status,
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        created_by=user if user is not None and user.is_authenticated else None,
        total_rows=max(text.count("\n") - 1, 0) + (0 if text.endswith("\n") else 1),
    )


INSERT_COLUMNS = ("email", "name", "status", "confirmed_at", "created_at", "hard_bounces", "confirm_nonce")


def store_chunk(rows: list[CsvRow], as_status: str) -> tuple[list[int], int]:
    """Create the rows whose address is new (any letter case); returns (created ids, duplicates).

    One INSERT ... ON CONFLICT DO NOTHING RETURNING id per chunk: the case-insensitive unique index
    decides what is a duplicate, a sign-up racing the import cannot fail the chunk, and the ids of
    what was really created come back without looking anything up in a growing table.
    """
    if not rows:
        return [], 0
    now = timezone.now()
    confirmed_at = now if as_status == Subscriber.Status.ACTIVE else None
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in INSERT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Three arrays instead of 7 parameters per row: PostgreSQL plans one small statement.
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT e, n, %s, %s, %s, 0, c "  # noqa: S608 - names from the model
                "FROM unnest(%s::text[], %s::text[], %s::text[]) AS t(e, n, c) ON CONFLICT DO NOTHING RETURNING id",
                [
                    as_status,
                    confirmed_at,
                    now,
                    [row.email for row in rows],
                    [row.name for row in rows],
                    [new_confirm_nonce() for _ in rows],
                ],
            )
            created = [pk for (pk,) in cursor.fetchall()]
        else:  # SQLite (the demo): plain multi-row VALUES, in batches under its parameter limit
            created = _insert_values(cursor, table, columns, rows, as_status, confirmed_at, now)
    return created, len(rows) - len(created)


def _insert_values(cursor, table, columns, rows, as_status, confirmed_at, now) -> list[int]:
    fields = [cast(models.Field, Subscriber._meta.get_field(name)) for name in INSERT_COLUMNS]  # concrete columns
    created: list[int] = []
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        params = []
        for row in batch:
            record = (row.email, row.name, as_status, confirmed_at, now, 0, new_confirm_nonce())
            params += [f.get_db_prep_save(value, connection) for f, value in zip(fields, record, strict=True)]
        placeholders = ", ".join(["(" + ", ".join(["%s"] * len(INSERT_COLUMNS)) + ")"] * len(batch))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES {placeholders} ON CONFLICT DO NOTHING RETURNING id",  # noqa: S608
            params,
        )
        created += [pk for (pk,) in cursor.fetchall()]
    return created


def claim(import_id: int) -> SubscriberImport | None:
    """Mark the job running; None when it already finished (a duplicate delivery of the task)."""
    claimed = SubscriberImport.objects.filter(
        pk=import_id, state__in=[SubscriberImport.State.QUEUED, SubscriberImport.State.RUNNING]
    ).update(
        state=SubscriberImport.State.RUNNING,
        started_at=timezone.now(),
        processed_rows=0,
        created_count=0,
        duplicate_count=0,
        error_count=0,
        errors=[],
    )
    return SubscriberImport.objects.get(pk=import_id) if claimed else None


def run_import(import_id: int, on_created: Callable[[list[int]], None] | None = None) -> SubscriberImport | None:
    """Import the stored file; on_created gets each committed chunk's new subscriber ids."""
    job = claim(import_id)
    if job is None:
        return None
    try:
        _import_rows(job, on_created)
    except ImportFileError as exc:
        _finish(job, SubscriberImport.State.FAILED, str(exc))
    except Exception as exc:
        # The page polls until the job finishes: record the failure so it stops, then let Celery log it.
        # The file is kept: the fault was ours (or the database's), not the file's.
        message = f"Unexpected error ({type(exc).__name__}); see the worker log."
        _finish(job, SubscriberImport.State.FAILED, message, keep_file=True)
        raise
    else:
        _finish(job, SubscriberImport.State.DONE, "")
    return job


def _import_rows(job: SubscriberImport, on_created: Callable[[list[int]], None] | None) -> None:
    seen: set[str] = set()
    chunk: list[CsvRow] = []
    try:
        for row in read_rows(decode_upload(bytes(job.data))):
            job.processed_rows += 1
            if row.error:
                job.error_count += 1
                if len(job.errors) < SubscriberImport.MAX_STORED_ERRORS:
                    job.errors.append([row.line, row.error])
            elif row.email.lower() in seen:
                job.duplicate_count += 1
            else:
                seen.add(row.email.lower())
                chunk.append(row)
            if len(chunk) >= CHUNK_ROWS:
                _commit_chunk(job, chunk, on_created)
                chunk = []
    except ImportFileError:
        # The file broke part-way: the rows before the break are as good as the earlier chunks.
        _commit_chunk(job, chunk, on_created)
        raise
    _commit_chunk(job, chunk, on_created)


def _commit_chunk(job: SubscriberImport, chunk: list[CsvRow], on_created: Callable[[list[int]], None] | None) -> None:
    """The chunk's subscribers and the progress that counts them commit together."""
    with transaction.atomic():
        created: list[int] = []
        if chunk:
            created, duplicates = store_chunk(chunk, job.as_status)
            job.created_count += len(created)
            job.duplicate_count += duplicates
        job.save(update_fields=["processed_rows", "created_count", "duplicate_count", "error_count", "errors"])
        if created and on_created is not None:
            on_created(created)


def _finish(job: SubscriberImport, state: str, failure: str, keep_file: bool = False) -> None:
    job.state = state
    job.failure = failure
    job.finished_at = timezone.now()
    if not keep_file:
        job.data = b""  # the addresses now live in Subscriber rows; the upload itself is not kept
    job.save(
        update_fields=[
            "state",
            "failure",
            "finished_at",
            "data",
            "processed_rows",
            "created_count",
            "duplicate_count",
            "error_count",
            "errors",
        ]
    )
