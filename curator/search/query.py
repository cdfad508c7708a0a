"""`search()`: full-text and semantic candidates, fused by reciprocal rank, re-checked against the scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.safestring import SafeString

from curator.editions.models import Issue
from curator.search import fulltext, semantic
from curator.search.documents import clean
from curator.search.models import Document
from curator.search.snippets import highlight

SCOPES = ("archive", "staff")
MAX_QUERY_CHARS = 200
MAX_LIMIT = 200
RRF_K = 60  # the usual constant: a rank's weight falls off slowly, so agreement between lists wins


@dataclass
class Hit:
    kind: str  # "pick", "entry" or "issue"
    id: int  # of the pick, entry or issue
    title: str
    snippet: SafeString
    score: float
    issue_id: int | None = None
    entry_id: int | None = None
    matched_words: bool = field(default=False)  # found by full text (else by meaning only)


def normalize(query: str) -> str:
    """What is searched for: no control characters, single spaces, at most MAX_QUERY_CHARS."""
    text = clean(str(query or ""), MAX_QUERY_CHARS * 4)
    return re.sub(r"\s+", " ", text).strip()[:MAX_QUERY_CHARS]


def fuse(*rankings: list[int]) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion: each list adds 1/(k + rank) to a document's score."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, start=1):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores.items(), key=lambda item: (-item[1], -item[0]))


def search(query: str, scope: str = "archive", limit: int = 20) -> list[Hit]:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    text = normalize(query)
    if not fulltext.terms(text):
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    depth = max(3 * limit, 50)
    by_words = fulltext.matches(text, scope, depth)
    by_meaning = semantic.matches(text, scope, depth)
    fused = fuse(by_words, by_meaning)
    # The scope is applied again to the fused ids: the semantic matrix holds every document.
    candidates = [doc_id for doc_id, _ in fused[: limit + depth]]
    allowed = Document.objects.filter(pk__in=candidates)
    if scope == "archive":
        allowed = allowed.filter(
            Q(kind__in=["pick", "issue"]),
            issue_id__in=Issue.objects.filter(status=Issue.Status.SENT).values("pk"),
        )
    docs = {d.pk: d for d in allowed}
    chosen = [(docs[doc_id], score) for doc_id, score in fused if doc_id in docs][:limit]
    marked = fulltext.snippets(text, [d for d, _ in chosen])
    word_hits = set(by_words)
    return [
        Hit(
            kind=doc.kind,
            id=doc.object_id,
            title=doc.title,
            snippet=highlight(marked.get(doc.pk, "")),
            score=round(score, 6),
            issue_id=doc.issue_id,
            entry_id=doc.entry_id,
            matched_words=doc.pk in word_hits,
        )
        for doc, score in chosen
    ]
