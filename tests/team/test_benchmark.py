import io

import pytest

from benchmarks import linkcheck as benchmark
from curator.editions.models import Issue, LinkCheck

pytestmark = pytest.mark.django_db


def test_the_link_check_benchmark_agrees_with_the_naive_check_and_leaves_no_rows() -> None:
    figures = benchmark.run(stdout=io.StringIO(), picks=8, sites=2, latency=0.05, page_kb=10)
    assert (figures["picks"], figures["dead"], figures["redirected"]) == (8, 1, 1)
    assert figures["naive_sequential_s"] > 0 and figures["check_issue_s"] > 0
    assert not Issue.objects.exists() and not LinkCheck.objects.exists()  # rolled back
