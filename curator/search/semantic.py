"""The semantic half of search: the query's MiniLM vector against every document's stored entry vector.

Each process keeps one matrix (documents with an embedded entry x 384 float32, about 80 MB at 55,000
rows) and rebuilds it only when the freshness check changes: the index's generation counter (bumped
by every index write), its largest document id, and the number of stored embeddings (new entries get
theirs after indexing).
That check is one small query per search; the matrix product over 55,000 rows takes a few
milliseconds. Past a few hundred thousand documents, or with many web processes each paying the
memory, pgvector's HNSW index would take over (docs/search.md).
"""

from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection

from curator.ranking import embed, vectors
from curator.ranking.models import Embedding
from curator.search.models import Document, IndexState

log = logging.getLogger(__name__)
MIN_SIMILARITY = 0.3  # below this MiniLM's neighbours are noise, not "the idea you remembered"


@dataclass(frozen=True)
class Matrix:
    key: tuple
    doc_ids: np.ndarray
    is_pick: np.ndarray
    issue_ids: np.ndarray
    entry_ids: np.ndarray
    rows: np.ndarray  # unit vectors, one per document
    pick_rows: np.ndarray  # the picks' rows, copied once so the archive scope reads 5,000 rows, not 55,000
    pick_ids: np.ndarray

    def nearest(self, vector: np.ndarray, depth: int, picks_only: bool) -> list[tuple[int, float]]:
        rows, ids = (self.pick_rows, self.pick_ids) if picks_only else (self.rows, self.doc_ids)
        if not len(ids):
            return []
        sims = rows @ vector
        take = min(depth, len(ids))
        top = np.argpartition(-sims, take - 1)[:take]
        top = top[np.argsort(-sims[top])]
        return [(int(ids[i]), float(sims[i])) for i in top if sims[i] >= MIN_SIMILARITY]


_lock = threading.Lock()
_current: Matrix | None = None


def freshness_key() -> tuple:
    with connection.cursor() as cursor:
        state, docs, embeddings = IndexState._meta.db_table, Document._meta.db_table, Embedding._meta.db_table
        # The largest document id comes from a sequence that a rolled-back transaction does not rewind,
        # so a matrix built inside one (a test, the benchmark) is never mistaken for the current index.
        cursor.execute(
            f"SELECT (SELECT generation FROM {state} WHERE id = 1), (SELECT MAX(id) FROM {docs}),"  # noqa: S608 - own tables
            f" (SELECT COUNT(*) FROM {embeddings})"
        )
        return tuple(cursor.fetchone())


def matrix() -> Matrix:
    """This process's matrix, rebuilt when the index or the stored embeddings changed."""
    global _current
    key = freshness_key()
    current = _current
    if current is not None and current.key == key:
        return current
    with _lock:
        if _current is None or _current.key != key:
            _current = _build(key)
        return _current


def _build(key: tuple) -> Matrix:
    sql = f"""
        SELECT d.id, d.kind, COALESCE(d.issue_id, 0), d.entry_id, e.vector
        FROM {Document._meta.db_table} d JOIN {Embedding._meta.db_table} e ON e.entry_id = d.entry_id
        WHERE d.kind IN ('pick', 'entry') ORDER BY d.id
    """  # noqa: S608 - our own table names only
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if not rows:
        empty, none = np.zeros(0, dtype=np.int64), np.zeros((0, 384), dtype=vectors.DTYPE)
        return Matrix(key, empty, np.zeros(0, dtype=bool), empty, empty, none, none, empty)
    doc_ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    is_pick = np.fromiter((r[1] == "pick" for r in rows), dtype=bool, count=len(rows))
    matrix_rows = vectors.normalize(vectors.stack([r[4] for r in rows]))
    return Matrix(
        key=key,
        doc_ids=doc_ids,
        is_pick=is_pick,
        issue_ids=np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows)),
        entry_ids=np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows)),
        rows=matrix_rows,
        pick_rows=np.ascontiguousarray(matrix_rows[is_pick]),
        pick_ids=doc_ids[is_pick],
    )


_threads_lock = threading.Lock()


@functools.lru_cache(maxsize=512)
def query_vector(query: str) -> np.ndarray | None:
    """The query's MiniLM vector (cached: readers repeat queries); None when the model cannot load.

    One short query gains nothing from several torch threads and, on a busy machine, loses a lot to
    them (measured: 29 ms with one thread, 254 ms with two, while other processes used the cores), so
    the encoder runs on SEARCH_QUERY_THREADS threads for the query and gets its own count back after.
    """
    import torch

    try:
        with _threads_lock:
            before = torch.get_num_threads()
            torch.set_num_threads(settings.SEARCH_QUERY_THREADS)
            try:
                return embed.embed_texts([query])[0]
            finally:
                torch.set_num_threads(before)
    except embed.EmbedderUnavailable:
        log.warning("search: MiniLM is unavailable, searching by words only")
        return None


def matches(query: str, scope: str, depth: int) -> list[int]:
    vector = query_vector(query)
    if vector is None:
        return []
    return [doc_id for doc_id, _ in matrix().nearest(vector, depth, picks_only=scope == "archive")]
