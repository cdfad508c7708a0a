"""The parse benchmark runs at a small size and reports every figure the docs quote."""

from __future__ import annotations

from benchmarks import parse as parse_benchmark


def test_it_reports_bounded_and_unbounded_times():
    figures = parse_benchmark.run(stdout=None, divs=[3_000], form="cdata", naive_limit=60.0)
    assert figures["divs_3000_bytes"] == len(parse_benchmark.deep_divs(3_000))
    assert figures["divs_3000_notes"] == 1
    assert 0 <= figures["divs_3000_ours_s"] < 5
    assert isinstance(figures["divs_3000_naive_s"], float) and figures["divs_3000_naive_cpu_s"] > 0


def test_it_reports_a_naive_run_stopped_at_the_limit():
    elapsed, cpu = parse_benchmark.time_unbounded(parse_benchmark.deep_divs(50_000), limit=0.5)
    assert elapsed is None and cpu > 0
