import io

import pytest

from benchmarks import triage as benchmark
from curator.feeds.models import Entry

pytestmark = pytest.mark.django_db


def test_it_compares_the_annotated_changelist_with_the_naive_one_and_leaves_no_rows():
    out = io.StringIO()
    figures = benchmark.run(stdout=out, entries=12, drafts=2, repeat=1)
    assert figures["annotated_rows"] == figures["naive_rows"] == 12
    assert figures["naive_queries"] - figures["annotated_queries"] >= 2 * 12  # two lookups per row
    assert "annotated: 12 rows" in out.getvalue()
    assert not Entry.objects.exists()  # everything was rolled back
