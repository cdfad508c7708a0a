import io

import pytest

from benchmarks import subscriber_import as import_benchmark
from curator.mailing.models import Subscriber, SubscriberImport

pytestmark = pytest.mark.django_db


def test_it_imports_the_file_then_finds_nothing_new_the_second_time_and_leaves_no_rows():
    out = io.StringIO()
    figures = import_benchmark.run(stdout=out, rows=300)
    assert figures["first_state"] == "done"
    assert (figures["first_created"], figures["first_errors"], figures["first_duplicates"]) == (294, 3, 3)
    assert (figures["second_created"], figures["second_duplicates"]) == (0, 297)
    assert "first import: 300 rows" in out.getvalue()
    assert not Subscriber.objects.exists() and not SubscriberImport.objects.exists()
