"""The ingest benchmark runs end to end at a small size and reports every figure the docs quote."""

from __future__ import annotations

import pytest

from benchmarks import ingest as benchmark
from curator.feeds.models import Entry, Source

pytestmark = pytest.mark.django_db


def test_it_reports_the_figures_and_leaves_no_rows_behind():
    figures = benchmark.run(stdout=None, feeds=6, latency_ms=20, entries=3, concurrency=4)
    for key in ("feeds", "latency_ms", "sequential_s", "ours_s", "ratio", "parse_entries_per_s", "second_pass_s"):
        assert key in figures
    assert figures["ours_new_entries"] == 18 and figures["ours_failed"] == 0
    assert figures["second_pass_not_modified"] == 6 and figures["second_pass_parsed"] == 0
    assert figures["second_pass_new_entries"] == 0
    assert not Source.objects.exists() and not Entry.objects.exists()
