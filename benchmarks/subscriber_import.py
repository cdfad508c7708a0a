"""`manage.py benchmark import`: a large subscriber CSV through the background import, twice.

The file has the shape of a real export from another tool: mostly good rows, one in 100 with a NUL
byte in the name, one in 50 repeating an earlier address in other letters. The first run times the
import as the worker task runs it (`imports.run_import`); the second runs the same file again, which
must create nothing. Scratch rows are deleted afterwards.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandParser
from django.db import connection

from curator.mailing import imports
from curator.mailing.models import Subscriber, SubscriberImport

DOMAIN = "import-bench.example"


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--rows", type=int, default=300_000, help="data rows in the generated file")


def scratch_csv(rows: int) -> bytes:
    lines = ["email,name"]
    for i in range(rows):
        if i % 100 == 99:
            lines.append(f"broken{i}@{DOMAIN},Bad\x00Name {i}")
        elif i % 50 == 49:
            lines.append(f"READER{i - 1}@{DOMAIN.upper()},Again {i}")
        else:
            lines.append(f"reader{i}@{DOMAIN},Reader Number {i}")
    return ("\n".join(lines) + "\n").encode()


def timed_import(data: bytes) -> tuple[SubscriberImport, float]:
    job = imports.accept_upload(SimpleUploadedFile("bench.csv", data), Subscriber.Status.ACTIVE, None)
    start = time.perf_counter()
    imports.run_import(job.pk)
    elapsed = time.perf_counter() - start
    job.refresh_from_db()
    return job, elapsed


def run(stdout: Any, rows: int, **options: Any) -> dict:
    data = scratch_csv(rows)
    jobs: list[SubscriberImport] = []
    try:
        stdout.write(f"first import: {rows} rows, {len(data) / 1e6:.1f} MB ...")
        first, first_seconds = timed_import(data)
        jobs.append(first)
        stdout.write("same file again ...")
        second, second_seconds = timed_import(data)
        jobs.append(second)
    finally:
        # One DELETE instead of the ORM's cascade collector, which would load 300,000 ids first; the
        # rows were created by this run, so no delivery can point at them (the foreign key would refuse).
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Subscriber._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE email LIKE %s", [f"%@{DOMAIN}"])  # noqa: S608 - model table name
        SubscriberImport.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return {
        "rows": rows,
        "megabytes": round(len(data) / 1e6, 1),
        "first_state": first.state,
        "first_seconds": round(first_seconds, 1),
        "first_rows_per_second": round(rows / first_seconds),
        "first_created": first.created_count,
        "first_duplicates": first.duplicate_count,
        "first_errors": first.error_count,
        "second_seconds": round(second_seconds, 1),
        "second_created": second.created_count,
        "second_duplicates": second.duplicate_count,
    }
