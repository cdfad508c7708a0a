"""A CSV import of 2,500 rows and one bad one, run by a real worker on the mail queue."""

from __future__ import annotations

import pytest

from curator.mailing import imports
from curator.mailing.models import Subscriber, SubscriberImport
from tests.support.csv_files import csv_file, many_rows
from tests.support.waiting import wait_until


@pytest.mark.worker
def test_it_imports_through_a_real_worker(celery_worker_process):
    from curator.mailing.tasks import import_subscribers

    celery_worker_process(queues="mail")
    job = imports.accept_upload(csv_file(many_rows(2500) + "bad,row\n"), "active", None)
    import_subscribers.delay(job.pk)
    assert wait_until(lambda: SubscriberImport.objects.get(pk=job.pk).finished, timeout=120)
    job.refresh_from_db()
    assert (job.state, job.created_count, job.error_count) == ("done", 2500, 1)
    assert Subscriber.objects.count() == 2500
