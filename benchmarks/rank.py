"""`manage.py benchmark rank`: embedding throughput, rescoring cost, and ranking quality on labelled entries.

Throughput: a week of entries (title + abstract, up to 256 tokens) embedded the way ingest does it
(batched, sorted by length) against a one-at-a-time loop over the same texts in the same run. Rescoring:
10,000 embedded entries scored and written, inside a transaction rolled back at the end. Quality
(`--labelled FILE`, JSON lines with title, abstract, label): train on the first 5 picks and the first 5
rejections of the file (file order = date order, oldest first), rank the rest, and compare precision@20 and
AUC with date order (newest first), the order editors read in without a ranking.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from sklearn.metrics import roc_auc_score

from curator.feeds.models import Entry, Source
from curator.ranking import embed, fit, scoring, vectors
from curator.ranking.demo import DEMO_FILE
from curator.ranking.models import Embedding, RelevanceModel

TRAIN_PER_CLASS = 5
TOP_K = 20


def add_arguments(parser: Any) -> None:
    parser.add_argument("--entries", type=int, default=200, help="entries embedded in batches (default 200)")
    parser.add_argument("--single", type=int, default=30, help="entries embedded one at a time (default 30)")
    parser.add_argument("--rescore", type=int, default=10_000, help="embedded entries to rescore (default 10000)")
    parser.add_argument("--labelled", type=Path, default=DEMO_FILE, help="JSON lines: title, abstract, label")


def read_labelled(path: Path) -> list[dict]:
    """Rows with a title, an abstract and a 0/1 label; any other line is an error naming the line."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise CommandError(f"--labelled {path}: {exc.strerror or exc}") from None
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            rows.append({"title": str(row["title"]), "abstract": str(row.get("abstract", "")), "label": row["label"]})
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CommandError(f"{path}:{number}: expected JSON with title, abstract, label ({exc})") from None
        if rows[-1]["label"] not in (0, 1, True, False):
            raise CommandError(f"{path}:{number}: label must be 0 or 1, not {rows[-1]['label']!r}")
    labels = [int(row["label"]) for row in rows]
    if labels.count(1) <= TRAIN_PER_CLASS or labels.count(0) <= TRAIN_PER_CLASS:
        raise CommandError(f"{path}: need more than {TRAIN_PER_CLASS} entries of each label, got {len(rows)} rows")
    return rows


def _week_texts(count: int) -> list[str]:
    """Distinct texts of about 256 tokens built from the demo abstracts (real abstracts run that long)."""
    demo = [json.loads(line) for line in DEMO_FILE.read_text().splitlines() if line.strip()]
    texts = []
    for n in range(count):
        parts = [demo[(n + k * 7) % len(demo)] for k in range(5)]
        body = " ".join(part["abstract"] for part in parts)
        texts.append(embed.entry_text(f"{parts[0]['title']} ({n})", body))
    return texts


def _throughput(entries: int, single: int, stdout: Any) -> dict:
    import torch

    texts = _week_texts(max(entries, single))
    embed.embed_texts(texts[:2])  # load the model outside the timings
    tokenizer, _ = embed._load()
    tokens = [len(ids) for ids in tokenizer(texts[:entries], truncation=True, max_length=256)["input_ids"]]
    # CPU seconds too: on a shared machine wall time measures the neighbours as much as the code.
    started, cpu = time.perf_counter(), time.process_time()
    embed.embed_texts(texts[:entries])
    batched, batched_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    for text in texts[:single]:
        embed.embed_texts([text], batch_size=1)
    one_by_one, single_cpu = time.perf_counter() - started, time.process_time() - cpu
    figures = {
        "embed_entries": entries,
        "embed_mean_tokens": round(float(np.mean(tokens)), 1),
        "embed_batched_s": round(batched, 2),
        "embed_batched_per_s": round(entries / batched, 1),
        "embed_single_entries": single,
        "embed_single_per_s": round(single / one_by_one, 1),
        "embed_week_1000_s": round(1000 * batched / entries, 1),
        "embed_week_1000_single_s": round(1000 * one_by_one / single, 1),
        "embed_week_1000_cpu_s": round(1000 * batched_cpu / entries, 1),
        "embed_week_1000_single_cpu_s": round(1000 * single_cpu / single, 1),
        "torch_threads": torch.get_num_threads(),
    }
    stdout.write(
        f"embedding: {figures['embed_batched_per_s']}/s batched, {figures['embed_single_per_s']}/s one at a time; "
        f"a week of 1000 entries: {figures['embed_week_1000_s']} s "
        f"(one at a time {figures['embed_week_1000_single_s']} s); CPU seconds {figures['embed_week_1000_cpu_s']} "
        f"(one at a time {figures['embed_week_1000_single_cpu_s']})"
    )
    return figures


def _rescore(count: int, stdout: Any) -> dict:
    rng = np.random.default_rng(0)
    with transaction.atomic():
        source = Source.objects.create(name="Benchmark rank", url="https://bench.example.org/feed", active=False)
        now = timezone.now()
        rows = Entry.objects.bulk_create(
            Entry(source=source, guid=f"rank-{n}", title=f"Entry {n}", published_at=now) for n in range(count)
        )
        matrix = vectors.normalize(rng.standard_normal((count, 384)).astype(vectors.DTYPE))
        Embedding.objects.bulk_create(
            (
                Embedding(entry=e, vector=vectors.to_bytes(v), model_id="bench", text_hash="")
                for e, v in zip(rows, matrix, strict=True)
            ),
            batch_size=2000,
        )
        picks = [e.pk for e in rows[:20]]
        Entry.objects.filter(pk__in=picks).update(triage=Entry.Triage.PICKED)
        Entry.objects.filter(pk__in=[e.pk for e in rows[20:40]]).update(triage=Entry.Triage.REJECTED)
        model = fit.fit()
        started = time.perf_counter()
        scored = scoring.rescore(model)
        seconds = time.perf_counter() - started
        items = scoring.dataset.embedded(Entry.objects.filter(triage=Entry.Triage.NEW))
        positives = scoring.dataset.positives(with_titles=True)
        started = time.perf_counter()
        scoring.score(model, items, positives)
        compute = time.perf_counter() - started
        transaction.set_rollback(True)
    stdout.write(f"rescoring: {scored} entries in {seconds:.2f} s (of which scoring arithmetic {compute:.3f} s)")
    return {"rescore_entries": scored, "rescore_s": round(seconds, 3), "rescore_compute_s": round(compute, 3)}


def _precision_at(order: np.ndarray, labels: np.ndarray, k: int) -> float:
    return float(labels[order[:k]].mean())


def evaluate(rows: list[dict]) -> dict:
    """Train on the first 5 of each label, rank the remainder; model against date order (newest first)."""
    labels = np.array([int(row["label"]) for row in rows])
    train = [i for i in range(len(rows)) if labels[i] == 1][:TRAIN_PER_CLASS]
    train += [i for i in range(len(rows)) if labels[i] == 0][:TRAIN_PER_CLASS]
    rest = [i for i in range(len(rows)) if i not in set(train)]
    matrix = embed.embed_texts([embed.entry_text(row["title"], row["abstract"]) for row in rows])
    classifier = fit.train(matrix[train], labels[train])
    model = RelevanceModel(kind=RelevanceModel.Kind.LOGISTIC, intercept=float(classifier.intercept_[0]))
    model.weights = vectors.to_bytes(classifier.coef_[0])
    scores = 1 / (1 + np.exp(-(matrix[rest] @ vectors.from_bytes(model.weights) + model.intercept)))
    rest_labels = labels[rest]
    by_date = np.arange(len(rest))[::-1].copy()  # newest first
    k = min(TOP_K, len(rest))
    return {
        "quality_entries": len(rows),
        "quality_ranked": len(rest),
        "quality_team_share": round(float(rest_labels.mean()), 3),
        "precision_at_20": round(_precision_at(np.argsort(-scores, kind="stable"), rest_labels, k), 3),
        "precision_at_20_date_order": round(_precision_at(by_date, rest_labels, k), 3),
        "auc": round(float(roc_auc_score(rest_labels, scores)), 3),
        "auc_date_order": round(float(roc_auc_score(rest_labels, -by_date.argsort())), 3),
    }


def run(
    stdout: Any, entries: int = 200, single: int = 30, rescore: int = 10_000, labelled: Path = DEMO_FILE, **options: Any
) -> dict:
    rows = read_labelled(labelled)  # bad input fails before anything slow runs
    figures: dict[str, Any] = {"labelled_file": str(labelled)}
    figures.update(evaluate(rows))
    stdout.write(
        f"quality on {labelled.name}: precision@20 {figures['precision_at_20']} (date order "
        f"{figures['precision_at_20_date_order']}), AUC {figures['auc']} (date order {figures['auc_date_order']})"
    )
    if entries:
        figures.update(_throughput(entries, single, stdout))
    if rescore:
        figures.update(_rescore(rescore, stdout))
    return figures
