"""arXiv: API search queries read page by page, politely, and the listing feeds per category.

arXiv asks API clients for at most one request every three seconds. One `pacing.Pacer` per process
spaces the requests of its threads and, with Redis configured, takes every slot from the schedule
all processes share, so several workers or worker machines still count as one polite client.
"""

from __future__ import annotations

import time
from collections.abc import Container
from dataclasses import dataclass, field
from urllib.parse import urlencode

from curator.feeds.fetch import Fetcher
from curator.feeds.parse import ParsedEntry, ParsedFeed, parse_feed
from curator.lib import pacing

API_URL = "https://export.arxiv.org/api/query"
LISTING_URL = "https://rss.arxiv.org/rss/{category}"
MIN_INTERVAL = 3.0
PAGE_SIZE = 50
MAX_RESULTS = 200

pacer = pacing.Pacer("export.arxiv.org", MIN_INTERVAL)  # one per process: its threads take turns


def query_url(
    query: str,
    start: int = 0,
    max_results: int = PAGE_SIZE,
    base_url: str = API_URL,
    sort_by: str = "submittedDate",
    sort_order: str = "descending",
) -> str:
    """URL of one result page. Newest first, so paging stops as soon as a page is all known."""
    params = {
        "search_query": query,
        "start": start,
        "max_results": max_results,
        "sortBy": sort_by,
        "sortOrder": sort_order,
    }
    return f"{base_url}?{urlencode(params)}"


def listing_feed_url(category: str) -> str:
    """The daily announcement feed of one category, e.g. cs.LG."""
    return LISTING_URL.format(category=category.strip())


@dataclass
class QueryResult:
    feed: ParsedFeed
    pages: int = 0
    request_times: list[float] = field(default_factory=list)


def fetch_query(
    fetcher: Fetcher,
    query: str,
    known_guids: Container[str] = frozenset(),
    *,
    base_url: str = API_URL,
    page_size: int = PAGE_SIZE,
    max_results: int = MAX_RESULTS,
    interval: float = MIN_INTERVAL,
) -> QueryResult:
    """Read an API query page by page until a page brings nothing new, the results end, or max_results.

    Fetch errors propagate (the caller records them); a page that fails to parse ends the paging
    with what was gathered, and its error is kept on the returned feed.
    """
    collected: dict[str, ParsedEntry] = {}
    result = QueryResult(feed=ParsedFeed(url=query_url(query, 0, page_size, base_url)))
    start = 0
    while start < max_results:
        url = query_url(query, start, min(page_size, max_results - start), base_url)
        pacer.wait(interval)
        result.request_times.append(time.monotonic())
        page = parse_feed(fetcher.get(url, accept="application/atom+xml", source_url=True).content, url)
        result.pages += 1
        if page.error:
            result.feed.error = page.error
            break
        result.feed.title = result.feed.title or page.title
        result.feed.link = result.feed.link or page.link
        result.feed.version = page.version
        # Known papers are kept too (a v2 updates its entry); only unknown ones count as progress.
        fresh = [e for e in page.entries if e.guid not in known_guids and e.guid not in collected]
        for entry in page.entries:
            collected.setdefault(entry.guid, entry)
        start += len(page.entries)
        if not fresh or (page.total_results is not None and start >= page.total_results):
            break
    result.feed.entries = list(collected.values())
    return result
