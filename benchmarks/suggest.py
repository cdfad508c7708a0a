"""`manage.py benchmark suggest`: one suggestion of a typical article page, end to end, in seconds.

A local HTTP server answers with an article page of typical size (navigation, scripts, a long
article); the run times each step of `suggestions.suggest` as the member's request runs it (fetch,
title and full-text extraction, dedup and store) and the draft the summarizer then makes, with the
configured model (or the offline fallback when none is set). The dedup step is compared with a naive
baseline in the same run: canonicalising every stored link in Python instead of the indexed lookup.
Everything runs in one transaction that is rolled back, so the database is left as it was.
"""

from __future__ import annotations

import random
import statistics
import time
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import override_settings

from benchmarks.httpsite import QuietHandler, serving
from curator.feeds.canonical import canonical_url
from curator.feeds.fetch import Fetcher
from curator.feeds.models import Entry, Source
from curator.team import suggestions

PARAGRAPH = (
    "Neural scaling laws say that test error falls as a power of the dataset size, which is a slow rate. "
    "A growing line of work asks whether careful data selection can beat it, and under which conditions. "
    "The experiments in this post prune ImageNet with twelve different metrics and compare the curves. "
    "Most metrics that look good on small datasets stop helping at scale, which surprised the authors. "
)


def article_page(paragraphs: int, seed: str = "") -> bytes:
    """About 60 kB: a head with scripts, a navigation bar, the article, a long footer of links."""
    rng = random.Random(f"{paragraphs}:{seed}")  # noqa: S311 - varied test text, not a secret
    words = PARAGRAPH.replace(".", "").replace(",", "").split()
    body = "".join(
        "<p>" + " ".join(" ".join(rng.sample(words, 14)).capitalize() + "." for _ in range(4)) + "</p>\n"
        for _ in range(paragraphs)
    )
    links = "".join(f'<li><a href="/archive/{n}">Archive {n}</a></li>' for n in range(300))
    script = "<script>" + "window.analytics={track:function(){}};" * 200 + "</script>"
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Scaling laws for data pruning - Gradient Notes</title>"
        "<meta name='description' content='What twelve pruning metrics do on ImageNet.'>"
        f"{script}</head><body><nav><a href='/'>Home</a></nav><article><h1>Scaling laws for data pruning</h1>"
        f"{body}</article><footer><ul>{links}</ul></footer></body></html>"
    ).encode()


class _Handler(QuietHandler):
    paragraphs = 40

    def do_GET(self) -> None:
        # Each address its own text: extractors drop text they saw on an earlier page as boilerplate.
        page = article_page(self.paragraphs, self.path.split("?")[0])
        self.reply(200, page, {"Content-Type": "text/html; charset=utf-8"})


def add_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=5, help="suggestions timed (each a new page)")
    parser.add_argument("--entries", type=int, default=5000, help="entries already stored (the dedup's haystack)")
    parser.add_argument("--paragraphs", type=int, default=40, help="article length in paragraphs")


class _Rollback(Exception):
    pass


def run(stdout: Any = None, rounds: int = 5, entries: int = 5000, paragraphs: int = 40, **_: Any) -> dict:
    handler = type("Handler", (_Handler,), {"paragraphs": paragraphs})
    figures: dict[str, Any] = {}
    with serving(handler) as (base,):
        try:
            with override_settings(FEEDS_ALLOWED_NETWORKS=["127.0.0.1/32"]), transaction.atomic():
                figures = _measure(base, rounds, entries, len(article_page(paragraphs)))
                raise _Rollback
        except _Rollback:
            pass
    return figures


def _measure(base: str, rounds: int, entries: int, page_bytes: int) -> dict:
    from summarizer.drafting import draft_entries

    user, _ = get_user_model().objects.get_or_create(username="benchmark-member", defaults={"is_staff": True})
    source = Source.objects.create(name="benchmark haystack", url="https://haystack.example.org/feed")
    Entry.objects.bulk_create(
        Entry(
            source=source,
            guid=f"h{n}",
            url=f"https://haystack.example.org/posts/{n}",
            canonical_url=canonical_url(f"https://haystack.example.org/posts/{n}"),
            title=f"Haystack {n}",
        )
        for n in range(entries)
    )
    from curator.feeds.extract import extract_text

    steps: dict[str, list[float]] = {"fetch": [], "extract": [], "suggest": [], "draft": [], "total": []}
    with Fetcher() as fetcher:
        for n in range(rounds):
            # The parts on their own (a page nobody suggests), then the whole request and its draft.
            began = time.perf_counter()
            response = fetcher.get(f"{base}/parts/{n}", accept="text/html")
            steps["fetch"].append(time.perf_counter() - began)
            began = time.perf_counter()
            extract_text(response.content.decode(), response.final_url)
            steps["extract"].append(time.perf_counter() - began)
            began = time.perf_counter()
            entry = suggestions.suggest(f"{base}/posts/{n}?utm_source=newsletter", user, "benchmark", fetcher=fetcher)
            steps["suggest"].append(time.perf_counter() - began)
            began = time.perf_counter()
            draft_entries([entry.pk])
            steps["draft"].append(time.perf_counter() - began)
            steps["total"].append(steps["suggest"][-1] + steps["draft"][-1])
    known = f"{base}/posts/0"
    indexed, naive = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        suggestions.existing_entry(suggestions.read_input(known))
        indexed.append(time.perf_counter() - began)
        began = time.perf_counter()
        wanted, plain = canonical_url(known), canonical_url.__wrapped__  # uncached, as a naive scan would be
        next((pk for pk, link in Entry.objects.values_list("pk", "url") if plain(link) == wanted), None)
        naive.append(time.perf_counter() - began)
    median = {name: statistics.median(values) for name, values in steps.items()}
    return {
        "page_kb": round(page_bytes / 1024, 1),
        "stored_entries": entries,
        "rounds": rounds,
        **{f"{name}_s": round(value, 4) for name, value in median.items()},
        "dedup_indexed_ms": round(statistics.median(indexed) * 1000, 2),
        "dedup_naive_scan_ms": round(statistics.median(naive) * 1000, 2),
        "dedup_speedup": round(statistics.median(naive) / max(statistics.median(indexed), 1e-9), 1),
    }
