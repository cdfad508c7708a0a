"""CSV imports as background jobs: progress, a report at the end, idempotent re-runs, a real worker."""

import pytest
from django.db import connection
from django.urls import reverse

from curator.mailing import imports
from curator.mailing.csvio import ImportFileError
from curator.mailing.models import Subscriber, SubscriberImport
from tests.support.csv_files import csv_file, many_rows

pytestmark = pytest.mark.django_db


def test_it_shows_progress_until_the_worker_finishes_then_a_report(admin_client):
    job = imports.accept_upload(csv_file("email\na@example.com\nbad\n"), "active", None)
    status_url = reverse("admin:mailing_subscriber_import_status", args=[job.pk])
    waiting = admin_client.get(status_url).content.decode()
    assert "State: <strong>queued</strong>" in waiting and '<meta http-equiv="refresh" content="2">' in waiting
    assert 'id="import-summary"' not in waiting

    imports.run_import(job.pk)
    report = admin_client.get(status_url).content.decode()
    assert "State: <strong>done</strong>" in report and 'http-equiv="refresh"' not in report
    assert "created: 1" in report and "rows with errors: 1" in report and "<td>3</td>" in report


def test_it_stores_a_file_larger_than_one_chunk_with_progress_committed_per_chunk(settings):
    job = imports.accept_upload(csv_file(many_rows(imports.CHUNK_ROWS * 2 + 7)), "active", None)
    assert job.total_rows == imports.CHUNK_ROWS * 2 + 7
    seen_progress = []
    imports.run_import(job.pk, on_created=lambda ids: seen_progress.append(len(ids)))
    job.refresh_from_db()
    assert (job.state, job.created_count, job.processed_rows, job.percent) == ("done", 4007, 4007, 100)
    assert seen_progress == [imports.CHUNK_ROWS, imports.CHUNK_ROWS, 7]
    assert Subscriber.objects.count() == 4007 and bytes(job.data) == b""  # the upload is not kept


def test_it_changes_nothing_when_the_same_file_is_imported_again():
    text = many_rows(50) + "READER3@example.com,Someone else\nnot-an-address,X\n"
    imports.run_import(imports.accept_upload(csv_file(text), "active", None).pk)
    before = list(Subscriber.objects.order_by("pk").values())
    again = imports.run_import(imports.accept_upload(csv_file(text), "pending", None).pk)
    assert list(Subscriber.objects.order_by("pk").values()) == before
    assert (again.created_count, again.duplicate_count, again.error_count) == (0, 51, 1)


def test_it_does_not_run_a_finished_import_twice():
    job = imports.accept_upload(csv_file("email\na@example.com\n"), "active", None)
    assert imports.run_import(job.pk) is not None
    assert imports.run_import(job.pk) is None  # a second delivery of the task
    assert SubscriberImport.objects.get().created_count == 1


def test_it_stores_rows_with_nul_bytes_as_errors_on_postgresql(admin_client):
    assert connection.vendor == "postgresql"
    job = imports.accept_upload(csv_file("email,name\na@example.com,A\x00B\nb@example.com,B\n"), "active", None)
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.state == "done" and job.errors == [
        [2, "contains a control character (U+0000); remove it and import the row again"]
    ]
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["b@example.com"]


def test_it_reports_a_file_that_breaks_part_way_and_keeps_the_rows_before(settings):
    text = "email,name\na@example.com,A\nb@example.com," + "x" * 200_000 + "\n"
    job = imports.accept_upload(csv_file(text), "active", None)
    imports.run_import(job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "Line 3" in job.failure and "field larger than field limit" in job.failure
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["a@example.com"]


def test_it_refuses_unreadable_files_before_queueing_anything(settings):
    settings.MAILING_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="larger than"):
        imports.accept_upload(csv_file(many_rows(10)), "active", None)
    with pytest.raises(ImportFileError, match="'email' column"):
        imports.accept_upload(csv_file("mail\nx@example.com\n"), "active", None)
    with pytest.raises(ImportFileError, match="Cannot import"):
        imports.accept_upload(csv_file("email\nx@example.com\n"), "bounced", None)
    assert not SubscriberImport.objects.exists()


def test_it_keeps_the_import_pages_to_people_who_may_add_subscribers(client, editor, admin_user):
    job = imports.accept_upload(csv_file("email\na@example.com\n"), "active", admin_user)
    client.force_login(editor)
    assert client.get(reverse("admin:mailing_subscriber_import_status", args=[job.pk])).status_code == 403


def test_it_stores_chunks_with_multi_row_values_too(admin_user):
    """The statement other databases than PostgreSQL (the SQLite demo) use, run here on PostgreSQL."""
    from django.db import connection
    from django.utils import timezone

    from curator.mailing.csvio import CsvRow

    Subscriber.objects.create(email="Known@example.com")
    rows = [CsvRow(2, "a@example.com", "A"), CsvRow(3, "known@EXAMPLE.com", "K"), CsvRow(4, "b@example.com", "")]
    table = connection.ops.quote_name(Subscriber._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in imports.INSERT_COLUMNS)
    with connection.cursor() as cursor:
        created = imports._insert_values(cursor, table, columns, rows, "pending", None, timezone.now())
    assert sorted(Subscriber.objects.filter(pk__in=created).values_list("email", flat=True)) == [
        "a@example.com",
        "b@example.com",
    ]
    assert Subscriber.objects.count() == 3
    assert all(s.confirm_nonce for s in Subscriber.objects.filter(pk__in=created))
