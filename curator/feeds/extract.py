"""Full text of an article page, for posts whose feed carries only a teaser.

Extraction is a bonus: any failure (fetch refused, timeout, a page trafilatura cannot read) returns
None and the entry is stored with its teaser.
"""

from __future__ import annotations

import logging

import trafilatura

from curator.feeds.fetch import Fetcher, FetchError

log = logging.getLogger(__name__)

# Article pages are bigger than feeds only in their scripts and images; the text is small.
MAX_PAGE_BYTES = 3 * 1024 * 1024
MIN_TEXT_CHARS = 200


def extract_text(html: bytes | str, url: str) -> str | None:
    """The main text of a page as plain text, or None when there is not enough of it to be worth keeping."""
    try:
        # No deduplicate: trafilatura keeps its seen-segments cache for the whole process, so a page
        # extracted twice (a re-fetch, a suggestion of a post already ingested) came back empty.
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_precision=True, deduplicate=False
        )
    except Exception:  # trafilatura and lxml raise a zoo of exception types on odd pages
        log.info("extraction failed for %s", url, exc_info=True)
        return None
    if not text or len(text) < MIN_TEXT_CHARS:
        return None
    return text.strip()


def fetch_full_text(url: str, fetcher: Fetcher) -> tuple[str | None, str]:
    """(text or None, reason it is missing). Never raises: the ingest goes on without it."""
    try:
        response = fetcher.get(url, accept="text/html,application/xhtml+xml", max_bytes=MAX_PAGE_BYTES)
    except FetchError as exc:
        return None, f"full text of {url}: {exc}"
    text = extract_text(response.content, response.final_url)
    if text is None:
        return None, f"full text of {url}: no main text found"
    return text, ""
