"""A link suggested by a member: fetched like a feed's article, stored once, marked with who suggested it.

A suggestion is typed by a colleague but points at a page chosen by a stranger, so it goes through
the feeds fetcher (the same address guard, size cap and deadline) and the feeds deduplication (the
same canonical URLs, arXiv ids and DOIs), stored under one inactive source, "Suggested by the team".
Input the fetcher would refuse outright is refused here before anything is stored; a page that
merely fails to load keeps the suggestion with the URL and the member's note, marked with the reason.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import trafilatura
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from curator.feeds import arxiv, dedup
from curator.feeds.canonical import canonical_url
from curator.feeds.extract import MAX_PAGE_BYTES, extract_text
from curator.feeds.fetch import BlockedURL, Fetcher, FetchError, check_url, refusal_reason
from curator.feeds.identifiers import normalize_doi, split_arxiv_id
from curator.feeds.models import Entry, Sighting, Source
from curator.feeds.parse import ParsedEntry, parse_feed
from curator.feeds.signals import entries_created
from curator.ranking.refit import request_refit
from curator.team.models import Suggestion

SOURCE_NAME = "Suggested by the team"
SOURCE_URL = "https://suggestions.curator.invalid/"
MAX_INPUT = 2000
MAX_NOTE = 2000
DOI_RESOLVER = "https://doi.org/"
SUMMARY_CHARS = 1500
STORE_LOCK = 0x7465616D  # the advisory lock id that serialises storing suggested entries ("team")


class SuggestionRefused(ValueError):
    """Input that is malformed or that the fetcher refuses; the message is one line for the member."""


@dataclass
class Target:
    """What the member typed, read as one of a URL, an arXiv paper or a DOI."""

    typed: str
    url: str
    arxiv_id: str = ""
    arxiv_version: int = 0
    doi: str = ""


def read_input(text: str) -> Target:
    """Classify the input, or raise SuggestionRefused naming what is wrong."""
    typed = " ".join((text or "").split())
    if not typed:
        raise SuggestionRefused("Nothing to suggest: give a web address, an arXiv id or a DOI.")
    if len(typed) > MAX_INPUT:
        raise SuggestionRefused(f"That is {len(typed)} characters long; a link has at most {MAX_INPUT}.")
    arxiv_id, version = split_arxiv_id(typed)
    if arxiv_id:
        return Target(typed, f"https://arxiv.org/abs/{arxiv_id}", arxiv_id=arxiv_id, arxiv_version=version)
    lowered = typed.lower()
    if lowered.startswith(("doi:", "10.", "https://doi.org/", "http://doi.org/", "https://dx.doi.org/")):
        doi = normalize_doi(typed)
        if not doi:
            raise SuggestionRefused(f"{typed!r} is not a DOI (they look like 10.1000/xyz).")
        return Target(typed, DOI_RESOLVER + quote(doi, safe="/"), doi=doi)
    url = typed if "://" in typed or ":" in typed.split("/", 1)[0] else f"https://{typed}"
    if " " in url:
        raise SuggestionRefused(f"{typed!r} is not a web address, an arXiv id or a DOI.")
    try:
        check_url(url)
    except BlockedURL as exc:
        raise SuggestionRefused(f"Not fetched: {exc}.") from None
    refuse_private_address(url)
    return Target(typed, url)


def refuse_private_address(url: str) -> None:
    """Refuse a host that names a private, link-local or metadata address; the fetcher would refuse it too.

    A name that does not resolve is not refused: that is a failed fetch, kept with its reason.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        addresses = [info[4][0] for info in socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)]
    except (OSError, UnicodeError):
        return
    for address in dict.fromkeys(str(a) for a in addresses):
        reason = refusal_reason(address)
        if reason:
            raise SuggestionRefused(f"Not fetched: {host} is {address} ({reason}).")


def suggestion_source() -> Source:
    """The one inactive source every suggested entry belongs to (ingest never fetches it)."""
    source, _ = Source.objects.get_or_create(
        url=SOURCE_URL,
        defaults={"name": SOURCE_NAME, "active": False, "fetch_full_text": False},
    )
    return source


def existing_entry(target: Target) -> Entry | None:
    """The stored entry this input already is (arXiv id in any version, DOI, canonical URL)."""
    if target.arxiv_id:
        found = Entry.objects.filter(arxiv_id=target.arxiv_id).order_by("pk").first()
        if found:
            return found
    if target.doi:
        found = Entry.objects.filter(doi=target.doi).order_by("pk").first()
        if found:
            return found
    canon = canonical_url(target.url)
    if canon:
        found = Entry.objects.filter(canonical_url=canon).order_by("pk").first()
        if found:
            return found
    # Rows stored without a canonical link (older imports) still match on the exact link.
    return Entry.objects.filter(url=target.url).order_by("pk").first()


@dataclass
class Fetched:
    parsed: ParsedEntry
    full_text: str = ""
    error: str = ""


def fetch_arxiv(target: Target, fetcher: Fetcher) -> Fetched:
    base = settings.TEAM_ARXIV_API_URL
    url = f"{base}?{urlencode({'id_list': target.arxiv_id, 'max_results': 1})}"
    if "export.arxiv.org" in base:
        arxiv.pacer.wait()  # the same polite spacing as the arXiv sources
    feed = parse_feed(fetcher.get(url, accept="application/atom+xml").content, url)
    papers = [e for e in feed.entries if e.arxiv_id == target.arxiv_id]
    if not papers:
        raise FetchError(feed.error or f"arXiv has no paper {target.arxiv_id}")
    return Fetched(parsed=papers[0])


def fetch_page(target: Target, fetcher: Fetcher) -> Fetched:
    response = fetcher.get(target.url, accept="text/html,application/xhtml+xml", max_bytes=MAX_PAGE_BYTES)
    html = response.content.decode("utf-8", errors="replace")
    meta = trafilatura.extract_metadata(html, default_url=response.final_url)
    title = (meta.title if meta and meta.title else "").strip()
    authors = [a.strip() for a in (meta.author or "").split(";") if a.strip()] if meta else []
    text = extract_text(html, response.final_url) or ""
    summary = ((meta.description if meta else "") or text[:SUMMARY_CHARS]).strip()
    final_arxiv, version = split_arxiv_id(response.final_url)
    parsed = ParsedEntry(
        guid=target.url,
        link=response.final_url if canonical_url(response.final_url) else target.url,
        title=title or target.url,
        authors=authors[:20],
        summary=summary,
        full_content=bool(text),
        arxiv_id=target.arxiv_id or final_arxiv,
        arxiv_version=target.arxiv_version or version,
        doi=target.doi,
    )
    return Fetched(parsed=parsed, full_text=text)


def fetch(target: Target, fetcher: Fetcher) -> Fetched:
    """The paper or page behind the input; a failure comes back as an entry made of what was typed."""
    try:
        if target.arxiv_id:
            return fetch_arxiv(target, fetcher)
        return fetch_page(target, fetcher)
    except FetchError as exc:
        reason = str(exc) or exc.__class__.__name__
        parsed = ParsedEntry(
            guid=target.url,
            link=target.url,
            title=target.typed,
            arxiv_id=target.arxiv_id,
            arxiv_version=target.arxiv_version,
            doi=target.doi,
        )
        return Fetched(parsed=parsed, error=reason[:500])


def suggest(url_or_id: str, user: Any, note: str = "", fetcher: Fetcher | None = None) -> Entry:
    """Store (or find) the entry behind `url_or_id` and mark it suggested by `user` with `note`.

    Raises SuggestionRefused, storing nothing, for input that is malformed or names an address the
    fetcher refuses. A member suggesting the same entry again updates their note (one mark each).
    """
    if user is None or not getattr(user, "pk", None):
        raise SuggestionRefused("A suggestion needs a member who makes it.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise SuggestionRefused(f"The note is {len(note)} characters long; keep it under {MAX_NOTE}.")
    target = read_input(url_or_id)
    entry = existing_entry(target)
    error = ""
    new_ids: list[int] = []
    if entry is None:
        own = fetcher or Fetcher()
        try:
            fetched = fetch(target, own)
        finally:
            if fetcher is None:
                own.close()
        error = fetched.error
        parsed = fetched.parsed
        parsed.guid = parsed.guid[:1000]
        with transaction.atomic():
            # One store at a time: two members suggesting the same new page at once would otherwise
            # both create it (and the shared source). The lock ends with the transaction; fetching,
            # the slow part, happens before it.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORE_LOCK])
            source = suggestion_source()
            items = dedup.FeedItems([parsed], {parsed.guid: fetched.full_text} if fetched.full_text else {})
            new_ids = dedup.store_entries([(source, items)], timezone.now())[source.pk].new_entry_ids
        entry = Sighting.objects.select_related("entry").get(source=suggestion_source(), guid=parsed.guid).entry
    values = {"typed": target.typed[:MAX_INPUT], "note": note}
    if new_ids or error:
        values["fetch_error"] = error  # an entry found in the inbox keeps what its first fetch said
    with transaction.atomic():
        Suggestion.objects.update_or_create(entry=entry, user=user, defaults=values)
        request_refit()  # a suggestion is a positive signal the ranking learns from
        if new_ids:
            transaction.on_commit(lambda: entries_created.send(sender=Entry, entry_ids=new_ids))
    return entry
