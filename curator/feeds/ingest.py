"""Fetch, parse and store sources: where feed items become Entry and Sighting rows (dedup.py, called
inside the store transaction, decides which rows an item becomes; triage is the editions app's).

Work is split in two so the slow part can run in parallel: `fetch_source` touches only the network
(threads), `store` touches only the database (the calling thread, one short transaction per source).
A failing source is recorded on its row and in an IngestRun, then backed off exponentially; it is
never switched off, so a site that comes back is picked up again without anyone noticing it left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from curator.feeds import arxiv, dedup
from curator.feeds.extract import fetch_full_text
from curator.feeds.fetch import Fetcher, FetchError, FetchResult, RateLimited
from curator.feeds.models import FETCH_STATE_FIELDS, FETCH_VALIDATORS, Entry, IngestRun, Sighting, Source
from curator.feeds.parse import ParsedFeed, parse_feed
from curator.feeds.parse_pool import ParserPool
from curator.feeds.signals import entries_created

logger = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(minutes=15)
BACKOFF_MAX = timedelta(days=1)
# Teaser-only posts whose article page is fetched per source and run; the rest keep their teaser.
MAX_FULL_TEXT_PER_RUN = 20
# Any constant works; it only has to be the same in every process that stores entries.
STORE_LOCK_KEY = 0x6375726174  # "curat"


@dataclass
class SourcePlan:
    """What a worker thread needs to know about a source, read before the threads start."""

    source_id: int
    url: str
    arxiv_query: str
    etag: str
    last_modified: str
    fetch_full_text: bool
    known_guids: frozenset[str]

    @classmethod
    def for_source(cls, source: Source, known_guids: Iterable[str], conditional: bool = True) -> SourcePlan:
        return cls(
            source_id=source.pk,
            url=source.url,
            arxiv_query=source.arxiv_query.strip() if source.kind == Source.Kind.ARXIV else "",
            etag=source.etag if conditional else "",
            last_modified=source.last_modified if conditional else "",
            fetch_full_text=source.fetch_full_text,
            known_guids=frozenset(known_guids),
        )


@dataclass
class Fetched:
    plan: SourcePlan
    feed: ParsedFeed | None = None
    response: FetchResult | None = None
    error: str = ""
    transient: bool = False
    retry_after: float | None = None
    http_status: int | None = None
    full_texts: dict[str, str] = field(default_factory=dict)
    started_at: datetime | None = None  # when the fetch began: an IngestRun's duration is the fetch's
    warnings: list[str] = field(default_factory=list)

    @property
    def not_modified(self) -> bool:
        return self.response is not None and self.response.not_modified


@dataclass
class IngestResult:
    source_id: int
    run_id: int | None = None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: bool = False
    not_modified: bool = False
    parsed: bool = False
    error: str = ""
    transient: bool = False
    retry_after: float | None = None
    new_entry_ids: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- network half ---------------------------------------------------------------------------


def fetch_source(
    plan: SourcePlan,
    fetcher: Fetcher,
    arxiv_interval: float = arxiv.MIN_INTERVAL,
    parse: Callable[[bytes, str, str], ParsedFeed] = parse_feed,
) -> Fetched:
    """Network and parsing only, safe in a thread. Fetch errors become `Fetched.error`; anything else
    (a bug) escapes to `fetch_source_safely`, the one place that turns it into this source's error."""
    fetched = Fetched(plan=plan, started_at=timezone.now())
    try:
        if plan.arxiv_query:
            query = arxiv.fetch_query(
                fetcher, plan.arxiv_query, plan.known_guids, base_url=plan.url, interval=arxiv_interval
            )
            fetched.feed, fetched.http_status = query.feed, 200
        else:
            response = fetcher.get(plan.url, etag=plan.etag, last_modified=plan.last_modified, source_url=True)
            fetched.response, fetched.http_status = response, response.status
            if response.not_modified:
                return fetched
            fetched.feed = parse(response.content, response.final_url, response.content_type)
    except FetchError as exc:
        fetched.error, fetched.transient = str(exc), exc.transient
        fetched.http_status = getattr(exc, "status", None)
        if isinstance(exc, RateLimited):
            fetched.retry_after = exc.retry_after
        return fetched
    if fetched.feed is not None and fetched.feed.error:
        fetched.error = fetched.feed.error
        return fetched
    if fetched.feed is not None:
        fetched.warnings.extend(fetched.feed.notes)
    if plan.fetch_full_text and fetched.feed is not None:
        _add_full_texts(fetched, fetcher)
    return fetched


def fetch_source_safely(
    plan: SourcePlan,
    fetcher: Fetcher,
    arxiv_interval: float = arxiv.MIN_INTERVAL,
    parse: Callable[[bytes, str, str], ParsedFeed] = parse_feed,
) -> Fetched:
    """`fetch_source`, with its promise kept even against a bug: whatever escapes becomes this source's
    error, so a batch always gets one outcome per source and stores every one of them."""
    started = timezone.now()
    try:
        return fetch_source(plan, fetcher, arxiv_interval, parse)
    except Exception as exc:
        logger.exception("unexpected error fetching source %s", plan.source_id)
        return Fetched(plan=plan, error=f"unexpected error: {exc.__class__.__name__}: {exc}", started_at=started)


def _add_full_texts(fetched: Fetched, fetcher: Fetcher) -> None:
    assert fetched.feed is not None
    wanted = [
        e
        for e in fetched.feed.entries
        if e.kind == "post" and e.is_teaser and e.link and e.guid not in fetched.plan.known_guids
    ]
    for entry in wanted[:MAX_FULL_TEXT_PER_RUN]:
        try:
            text, problem = fetch_full_text(entry.link, fetcher)
        except Exception as exc:  # a full text is a bonus; one odd link must not cost the source its entries
            logger.exception("unexpected error fetching the full text of %s", entry.link)
            text, problem = None, f"full text of {entry.link}: unexpected error: {exc.__class__.__name__}: {exc}"
        if text:
            fetched.full_texts[entry.guid] = text
        else:
            fetched.warnings.append(problem)


# --- database half --------------------------------------------------------------------------


def store(source: Source, fetched: Fetched, trigger: str = "manual") -> IngestResult:
    """Record one source's fetch outcome: entries, fetch state, backoff and an IngestRun row."""
    return store_many([(source, fetched)], trigger)[0]


def store_many(batch: list[tuple[Source, Fetched]], trigger: str = "manual") -> list[IngestResult]:
    """Store several fetched sources in one transaction with a handful of queries in total.

    Batching is what keeps a few hundred sources cheap: the per-source cost is Python work on
    dataclasses, while lookups, inserts and state updates are shared by the whole batch.
    """
    now = timezone.now()
    results = {source.pk: IngestResult(source_id=source.pk, warnings=list(f.warnings)) for source, f in batch}
    with transaction.atomic():
        _lock_store()
        stored = [(s, f, f.feed) for s, f in batch if not f.error and not f.not_modified and f.feed is not None]
        tallies = dedup.store_entries([(s, dedup.FeedItems(feed.entries, f.full_texts)) for s, f, feed in stored], now)
        for source_id, tally in tallies.items():
            result = results[source_id]
            result.new, result.updated, result.unchanged = tally.new, tally.updated, tally.unchanged
            result.new_entry_ids = tally.new_entry_ids
        runs, moved = [], []
        validators = {s.pk: (s.etag, s.last_modified) for s, _ in batch}
        for source, fetched in batch:
            result = results[source.pk]
            if fetched.error:
                _record_failure(source, fetched, result, now)
            else:
                result.not_modified, result.parsed = fetched.not_modified, not fetched.not_modified
                status = Source.Status.NOT_MODIFIED if fetched.not_modified else Source.Status.OK
                if _record_success(source, fetched, status, now):
                    moved.append(source)
            runs.append(_run_row(source, fetched, result, trigger, now))
        _save_state([s for s, _ in batch], validators)
        for source in moved:
            source.save(update_fields=["url"])
        for run, (source, _) in zip(IngestRun.objects.bulk_create(runs), batch, strict=True):
            results[source.pk].run_id = run.pk
        new_ids = [pk for r in results.values() for pk in r.new_entry_ids]
        if new_ids:
            transaction.on_commit(lambda: entries_created.send(sender=Entry, entry_ids=new_ids))
    return [results[source.pk] for source, _ in batch]


def _run_row(source: Source, fetched: Fetched, result: IngestResult, trigger: str, now) -> IngestRun:
    errors = [{"source": source.pk, "error": result.error}] if result.error else []
    errors += [{"source": source.pk, "warning": w} for w in result.warnings]
    return IngestRun(
        source=source,
        trigger=trigger,
        started_at=fetched.started_at or now,
        finished_at=timezone.now(),
        new=result.new,
        updated=result.updated,
        unchanged=result.unchanged,
        failed=int(result.failed),
        http_status=fetched.http_status,
        not_modified=result.not_modified,
        errors=errors,
    )


def _lock_store() -> None:
    """Serialize stores across processes: without it two workers carrying the same new paper from two
    sources would both miss the other's uncommitted row and create a duplicate. Stores are short;
    the slow fetches happen outside this lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORE_LOCK_KEY])


def backoff_delay(failures: int) -> timedelta:
    return min(BACKOFF_BASE * (2 ** max(0, failures - 1)), BACKOFF_MAX)


STATE_FIELDS = [f for f in FETCH_STATE_FIELDS if f not in FETCH_VALIDATORS]  # shared by many sources at once


def _save_state(sources: list[Source], validators_before: dict[int, tuple[str, str]]) -> None:
    """Write fetch state with few queries: sources in the same state share one UPDATE, and only
    changed ETag/Last-Modified pairs are written individually (bulk_update's CASE chains cost more)."""
    groups: dict[tuple, list[int]] = {}
    for source in sources:
        groups.setdefault(tuple(getattr(source, f) for f in STATE_FIELDS), []).append(source.pk)
    for values, ids in groups.items():
        Source.objects.filter(pk__in=ids).update(**dict(zip(STATE_FIELDS, values, strict=True)))
    changed = [s for s in sources if (s.etag, s.last_modified) != validators_before[s.pk]]
    if changed:
        Source.objects.bulk_update(changed, FETCH_VALIDATORS)


def _record_failure(source: Source, fetched: Fetched, result: IngestResult, now) -> None:
    result.failed, result.error = True, fetched.error
    result.transient, result.retry_after = fetched.transient, fetched.retry_after
    source.consecutive_failures += 1
    delay = backoff_delay(source.consecutive_failures)
    if fetched.retry_after:
        delay = max(delay, timedelta(seconds=fetched.retry_after))
    source.next_fetch_after = now + delay
    source.last_status = Source.Status.ERROR
    source.last_error = fetched.error[:2000]
    source.last_http_status = fetched.http_status
    source.last_fetched_at = now
    # One line per failure, with what an operator needs to act: which source, and why.
    logger.warning(
        "source %r (id %s) failed (%d in a row, next try after %s): %s",
        source.name,
        source.pk,
        source.consecutive_failures,
        source.next_fetch_after.strftime("%Y-%m-%d %H:%M %Z"),
        fetched.error,
    )


def _record_success(source: Source, fetched: Fetched, status: str, now) -> bool:
    """Reset the backoff; True when a permanent redirect moved the source to a new URL."""
    source.consecutive_failures, source.next_fetch_after = 0, None
    source.last_status, source.last_error, source.last_http_status = status, "", fetched.http_status
    source.last_fetched_at = now
    response = fetched.response
    if response is None or response.not_modified:
        return False
    source.etag, source.last_modified = response.etag[:500], response.last_modified[:100]
    # Only a chain of permanent redirects that ended here (every hop passed the guard) moves the source.
    if response.permanent_url and len(response.permanent_url) <= 2000:
        source.url = response.permanent_url
        return True
    return False


# --- entry points ---------------------------------------------------------------------------


def known_guids(sources: Iterable[Source]) -> dict[int, set[str]]:
    known: dict[int, set[str]] = {s.pk: set() for s in sources}
    for source_id, guid in Sighting.objects.filter(source_id__in=list(known)).values_list("source_id", "guid"):
        known[source_id].add(guid)
    return known


def due_sources(now=None):
    """Active sources whose backoff, if any, has run out."""
    now = now or timezone.now()
    return Source.objects.filter(active=True).filter(Q(next_fetch_after__isnull=True) | Q(next_fetch_after__lte=now))


def ingest_many(
    sources: Iterable[Source],
    *,
    trigger: str = "manual",
    conditional: bool = True,
    max_workers: int | None = None,
    arxiv_interval: float = arxiv.MIN_INTERVAL,
    fetcher: Fetcher | None = None,
    on_result: Callable[[Source, IngestResult], None] | None = None,
) -> list[IngestResult]:
    """Fetch sources concurrently (bounded overall and per host by the fetcher) and store each as it lands."""
    sources = list({s.pk: s for s in sources}.values())
    if not sources:
        return []
    known = known_guids(sources)
    plans = {s.pk: SourcePlan.for_source(s, known[s.pk], conditional) for s in sources}
    by_id = {s.pk: s for s in sources}
    workers = max(1, min(len(sources), max_workers or settings.FEEDS_CONCURRENCY))
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher()
    results: list[IngestResult] = []
    try:
        if workers == 1:
            for source in sources:
                fetched = fetch_source_safely(plans[source.pk], fetcher, arxiv_interval)
                results += _store_safely([(source, fetched)], trigger, on_result)
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
                parse = ParserPool.for_batch(len(sources))
                pending = {
                    pool.submit(fetch_source_safely, plans[s.pk], fetcher, arxiv_interval, parse) for s in sources
                }
                # Stores happen here, on the calling thread (one DB connection), overlapping the fetches:
                # whatever has landed since the last store goes into the next batch.
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    batch = [(by_id[f.plan.source_id], f) for f in (future.result() for future in done)]
                    results += _store_safely(batch, trigger, on_result)
    finally:
        if own_fetcher:
            fetcher.close()
    return results


def _store_safely(
    batch: list[tuple[Source, Fetched]], trigger: str, on_result: Callable[[Source, IngestResult], None] | None
) -> list[IngestResult]:
    try:
        results = store_many(batch, trigger)
    except Exception:
        if len(batch) > 1:
            # Find the culprit: each source alone, so one bad source costs only itself.
            return [r for pair in batch for r in _store_safely([pair], trigger, on_result)]
        source, fetched = batch[0]
        logger.exception("storing source %s failed", source.pk)
        source.refresh_from_db()
        error = Fetched(plan=fetched.plan, error="could not store entries (see the worker log)")
        results = store_many([(source, error)], trigger)
    if on_result is not None:
        for (source, _), result in zip(batch, results, strict=True):
            on_result(source, result)
    return results


def ingest_source(
    source: Source, *, trigger: str = "manual", arxiv_interval: float = arxiv.MIN_INTERVAL
) -> IngestResult:
    """Fetch and store one source now, whatever its backoff says."""
    return ingest_many([source], trigger=trigger, max_workers=1, arxiv_interval=arxiv_interval)[0]
