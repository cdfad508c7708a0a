"""The full-text half of search: PostgreSQL's ranked text search, or a plain word match on SQLite.

Both return document ids best first, already limited to the scope, and snippets for chosen ids.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.db.models import Q

from curator.editions.models import Issue
from curator.search.documents import MARK_CLOSE, MARK_OPEN
from curator.search.models import Document
from curator.search.snippets import mark_terms

WORD = re.compile(r"\w+", re.UNICODE)
HEADLINE_OPTIONS = (
    f'StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxWords=40, MinWords=18, MaxFragments=2, FragmentDelimiter=" … "'
)
SQLITE_CANDIDATES = 1000


def scope_sql(scope: str) -> str:
    """The WHERE part that keeps a scope's documents; `d` is the document, `i` its issue."""
    if scope == "archive":
        return f"d.kind IN ('pick', 'issue') AND i.status = '{Issue.Status.SENT.value}'"
    return "TRUE"


def terms(query: str) -> list[str]:
    return [w for w in WORD.findall(query) if len(w) > 1 or w.isdigit()][:20]


def matches(query: str, scope: str, depth: int) -> list[int]:
    if connection.vendor == "postgresql":
        return _pg_matches(query, scope, depth)
    return _plain_matches(query, scope, depth)


def _pg_matches(query: str, scope: str, depth: int) -> list[int]:
    sql = f"""
        SELECT d.id FROM {Document._meta.db_table} d
        LEFT JOIN {Issue._meta.db_table} i ON i.id = d.issue_id,
        websearch_to_tsquery(%s::regconfig, %s) q
        WHERE d.search_vector @@ q AND {scope_sql(scope)}
        ORDER BY ts_rank_cd(d.search_vector, q, 1) DESC, d.id DESC
        LIMIT %s
    """  # noqa: S608 - only our own table names and a fixed scope clause are interpolated; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [settings.SEARCH_LANGUAGE, query, depth])
        return [row[0] for row in cursor.fetchall()]


def _plain_matches(query: str, scope: str, depth: int) -> list[int]:
    words = terms(query)
    if not words:
        return []
    rows = Document.objects.all()
    if scope == "archive":
        rows = rows.filter(kind__in=["pick", "issue"], issue_id__in=_sent_issue_ids())
    any_word = Q()
    for word in words:
        any_word |= Q(title__icontains=word) | Q(blurb__icontains=word) | Q(body__icontains=word)
    scored = []
    for doc_id, title, blurb, body in rows.filter(any_word).values_list("id", "title", "blurb", "body")[
        :SQLITE_CANDIDATES
    ]:
        lowered = (title.lower(), blurb.lower(), body.lower())
        score = sum(
            3 * (w.lower() in lowered[0]) + 2 * (w.lower() in lowered[1]) + (w.lower() in lowered[2]) for w in words
        )
        scored.append((score, doc_id))
    scored.sort(reverse=True)
    return [doc_id for _, doc_id in scored[:depth]]


def _sent_issue_ids() -> list[int]:
    return list(Issue.objects.filter(status=Issue.Status.SENT).values_list("pk", flat=True))


def snippets(query: str, docs: list[Document]) -> dict[int, str]:
    """Marked plain text per document id: the blurb (or abstract, or intro) around the query's words."""
    if not docs:
        return {}
    if connection.vendor == "postgresql":
        sql = f"""
            SELECT d.id, ts_headline(%s::regconfig, COALESCE(NULLIF(d.blurb, ''), NULLIF(d.body, ''), d.title),
                                     websearch_to_tsquery(%s::regconfig, %s), %s)
            FROM {Document._meta.db_table} d WHERE d.id = ANY(%s)
        """  # noqa: S608 - the table name is our own; values are parameters
        language = settings.SEARCH_LANGUAGE
        with connection.cursor() as cursor:
            cursor.execute(sql, [language, language, query, HEADLINE_OPTIONS, [d.pk for d in docs]])
            return dict(cursor.fetchall())
    words = terms(query)
    return {d.pk: mark_terms(d.blurb or d.body or d.title, words) for d in docs}
