"""`manage.py benchmark search`: search latency at 50,000 entries and 5,000 picks, against naive baselines.

Builds the archive inside a transaction that is rolled back at the end: entries recombined from the demo
abstracts (so words and their frequencies look like real abstracts), picks spread over sent issues, and
one vector per entry. Vectors are the real MiniLM vectors of the demo rows plus noise (embedding 50,000
texts would take most of an hour on two cores and measures ranking, not search); every query is embedded
by the real MiniLM, inside the timing. Baselines in the same run: the semantic half reading every
embedding from the database per query (what the in-memory matrix avoids), and full text computed from
the raw columns per query (what the stored, GIN-indexed vector avoids).
"""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from curator.editions.models import Issue, Pick, Section
from curator.feeds.models import Entry, Source
from curator.ranking import embed, vectors
from curator.ranking.demo import read_demo_rows
from curator.ranking.models import Embedding
from curator.search import documents, fulltext, semantic
from curator.search.models import Document
from curator.search.query import search

ISSUES = 50
NOISE = 0.35


def add_arguments(parser: Any) -> None:
    parser.add_argument("--entries", type=int, default=50_000, help="entries in the archive (default 50000)")
    parser.add_argument("--picks", type=int, default=5_000, help="picks in sent issues (default 5000)")
    parser.add_argument("--queries", type=int, default=200, help="timed queries per scope (default 200)")
    parser.add_argument("--naive", type=int, default=10, help="timed queries of each naive baseline (default 10)")


def _queries(rows: list[dict], count: int, rng: random.Random) -> list[str]:
    """Distinct queries: a few words of a title, a rare-ish word, or a sentence of an abstract."""
    out: list[str] = []
    while len(out) < count:
        row = rng.choice(rows)
        words = [w for w in fulltext.WORD.findall(row["title"] + " " + row["abstract"]) if len(w) > 3]
        kind = len(out) % 3
        if kind == 0:
            query = " ".join(rng.sample(words, min(2, len(words))))
        elif kind == 1:
            query = rng.choice(words)
        else:
            sentence = row["abstract"].split(". ")[0].split()
            start = rng.randrange(max(1, len(sentence) - 8))
            query = " ".join(sentence[start : start + 8])
        out.append(f"{query} {len(out)}" if kind == 1 else query)  # distinct, so no cached query vector
    return out


def _build(entries: int, picks: int, rows: list[dict], stdout: Any) -> None:
    rng = np.random.default_rng(7)
    base = embed.embed_texts([embed.entry_text(r["title"], r["abstract"]) for r in rows])
    source = Source.objects.create(name="Benchmark", url="https://bench.example/feed.xml")
    started = time.perf_counter()
    batch = 5000
    for start in range(0, entries, batch):
        made = Entry.objects.bulk_create(
            Entry(
                source=source,
                guid=f"bench-{n}",
                url=f"https://bench.example/{n}",
                title=f"{rows[n % len(rows)]['title']} ({n})",
                abstract=" ".join(rows[(n + k * 11) % len(rows)]["abstract"] for k in range(2)),
                triage=Entry.Triage.NEW,
            )
            for n in range(start, min(entries, start + batch))
        )
        noisy = base[[e.pk % len(rows) for e in made]] + NOISE * rng.standard_normal((len(made), base.shape[1]))
        unit = vectors.normalize(noisy.astype(vectors.DTYPE))
        Embedding.objects.bulk_create(
            Embedding(entry=e, vector=vectors.to_bytes(v), model_id=embed.MODEL_ID, text_hash="bench")
            for e, v in zip(made, unit, strict=True)
        )
    stdout.write(f"  stored {entries} entries and vectors in {time.perf_counter() - started:.1f} s")
    entry_ids = list(Entry.objects.filter(source=source).values_list("pk", flat=True))
    month = datetime.date(2022, 1, 1)
    for number in range(ISSUES):
        issue = Issue.objects.create(
            title="Recommended Reading", month=month.replace(year=2022 + (number // 12), month=number % 12 + 1)
        )
        section = Section.objects.filter(issue=issue).first()
        share = entry_ids[number * (picks // ISSUES) : (number + 1) * (picks // ISSUES)]
        Pick.objects.bulk_create(
            Pick(
                issue=issue,
                section=section,
                entry_id=pk,
                title=f"Pick {pk}",
                blurb=f"Why it matters: {rows[pk % len(rows)]['abstract'][:160]}",
                byline="Chris",
                position=i,
            )
            for i, pk in enumerate(share)
        )
    Issue.objects.filter(title="Recommended Reading", month__lt=datetime.date(2030, 1, 1)).update(
        status=Issue.Status.SENT, sent_at=timezone.now()
    )
    started = time.perf_counter()
    documents.rebuild()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Document._meta.db_table}")
    stdout.write(f"  indexed {Document.objects.count()} documents in {time.perf_counter() - started:.1f} s")


def _timed(func: Any, queries: list[str]) -> list[float]:
    times = []
    for query in queries:
        start = time.perf_counter()
        func(query)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _percentile(times: list[float], p: float) -> float:
    return round(float(np.percentile(times, p)), 1)


def _naive_semantic(query: str) -> list[int]:
    """Every embedding read from the database and stacked for each query."""
    semantic._current = None
    semantic.query_vector.cache_clear()
    return semantic.matches(query, "staff", 60)


def _naive_fulltext(query: str) -> list[int]:
    """The weighted vector computed from the raw columns for every row, for each query."""
    language = settings.SEARCH_LANGUAGE
    sql = f"""
        SELECT id FROM {Document._meta.db_table} d, websearch_to_tsquery(%s::regconfig, %s) q
        WHERE (setweight(to_tsvector(%s::regconfig, d.title), 'A')
               || setweight(to_tsvector(%s::regconfig, d.blurb), 'B')
               || setweight(to_tsvector(%s::regconfig, d.body), 'C')) @@ q LIMIT 60
    """  # noqa: S608 - our own table name only
    with connection.cursor() as cursor:
        cursor.execute(sql, [language, query, language, language, language])
        return [row[0] for row in cursor.fetchall()]


def run(stdout: Any, entries: int, picks: int, queries: int, naive: int, **_: Any) -> dict:
    if connection.vendor != "postgresql":
        return {"skipped": "the search benchmark needs PostgreSQL (the SQLite demo uses the plain word match)"}
    rows = read_demo_rows()
    figures: dict[str, Any] = {"entries": entries, "picks": picks}
    with transaction.atomic():
        _build(entries, picks, rows, stdout)
        rng = random.Random(11)  # noqa: S311 - reproducible query choice, not a secret
        started = time.perf_counter()
        semantic._current = None
        semantic.matrix()
        figures["matrix_build_s"] = round(time.perf_counter() - started, 2)
        figures["matrix_mb"] = round(semantic.matrix().rows.nbytes / 1e6, 1)
        search("warm up", scope="staff")
        for scope in ("archive", "staff"):
            times = _timed(lambda q, s=scope: search(q, scope=s, limit=20), _queries(rows, queries, rng))
            figures[f"{scope}_p50_ms"] = _percentile(times, 50)
            figures[f"{scope}_p95_ms"] = _percentile(times, 95)
        qs = _queries(rows, naive, rng)
        figures["query_embedding_p50_ms"] = _percentile(_timed(lambda q: semantic.query_vector(q + " x"), qs), 50)
        fast_sem = _timed(lambda q: semantic.matches(q, "staff", 60), qs)
        slow_sem = _timed(_naive_semantic, qs)
        figures["semantic_p50_ms"] = _percentile(fast_sem, 50)
        figures["naive_semantic_p50_ms"] = _percentile(slow_sem, 50)
        figures["semantic_speedup"] = round(statistics.median(slow_sem) / statistics.median(fast_sem), 1)
        fast_ft = _timed(lambda q: fulltext.matches(q, "staff", 60), qs)
        slow_ft = _timed(_naive_fulltext, qs)
        figures["fulltext_p50_ms"] = _percentile(fast_ft, 50)
        figures["naive_fulltext_p50_ms"] = _percentile(slow_ft, 50)
        figures["fulltext_speedup"] = round(statistics.median(slow_ft) / statistics.median(fast_ft), 1)
        transaction.set_rollback(True)
    semantic._current = None
    return figures
