"""Feed bytes -> plain dataclasses. feedparser does the tolerant reading; this module decides what to trust.

`parse_feed` never raises: a feed that cannot be read becomes a ParsedFeed with an error and no
entries, so one broken source is a visible failure, not an exception in the middle of a batch.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import feedparser

from curator.feeds import announcements, jsonfeed
from curator.feeds.boilerplate import strip_boilerplate
from curator.feeds.bounds import bound_document
from curator.feeds.identifiers import normalize_doi, split_arxiv_id
from curator.feeds.sanitize import (
    clean_html,
    escape_text_as_html,
    html_to_text,
    plain_line,
    safe_url,
    strip_controls,
)
from curator.ids import ascii_digits

log = logging.getLogger(__name__)

_EMAIL_AND_NAME = re.compile(r"^\s*\S+@\S+\s+\((.+)\)\s*$")
# Below this many characters of text, a post's feed content is a teaser worth replacing with the article.
TEASER_CHARS = 600


@dataclass
class ParsedEntry:
    guid: str
    link: str
    title: str
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    summary: str = ""
    content_html: str = ""
    full_content: bool = False
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    arxiv_id: str = ""
    arxiv_version: int = 0
    doi: str = ""
    pdf_url: str = ""
    # rss.arxiv.org's announce type (new, cross, replace, replace-cross); "" elsewhere.
    announce_type: str = ""

    @property
    def kind(self) -> str:
        return "paper" if self.arxiv_id or self.doi else "post"

    @property
    def body_text(self) -> str:
        """The full body as plain text when the feed carried one (content:encoded, atom:content), else "".

        Posts put a teaser in <description> and the article in content:encoded: the teaser stays the
        abstract, the body is what drafts, embeddings and ranking read (see curator/feeds/text.py).
        """
        return strip_boilerplate(html_to_text(self.content_html)) if self.full_content and self.content_html else ""

    @property
    def is_teaser(self) -> bool:
        return not self.full_content and len(self.summary) < TEASER_CHARS


@dataclass
class ParsedFeed:
    url: str
    title: str = ""
    link: str = ""
    version: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    error: str = ""
    warning: str = ""
    total_results: int | None = None
    # What bounding flattened or cut (see bounds.py), for the IngestRun.
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Read a feed document. Relative links resolve against `url`; nothing is ever fetched."""
    try:
        return _parse(data, url, content_type)
    except Exception as exc:  # feedparser and friends are third-party; no input may crash a batch
        log.warning("feed %s could not be parsed", url, exc_info=True)
        return ParsedFeed(url=url, error=f"unreadable feed: {exc.__class__.__name__}: {exc}")


def _parse(data: bytes, url: str, content_type: str) -> ParsedFeed:
    # No content-location: feedparser would then turn relative guids into URLs of wherever the feed
    # was fetched from. Links are resolved here instead, against the feed's own link or URL.
    headers = {"content-type": content_type} if content_type else {}
    # A stream, never bytes or str: feedparser treats a string as a URL or a local file name to open.
    # Both off: nh3 sanitizes and resolves links (clean_html) at a fraction of feedparser's cost.
    parsed = jsonfeed.read(data) if jsonfeed.looks_like_json_feed(data or b"") else None
    if parsed is None:
        parsed = feedparser.parse(
            io.BytesIO(data or b""), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
        )
    _strip_controls(parsed)
    notes = bound_document(parsed)
    feed = parsed.get("feed", {})
    result = ParsedFeed(
        url=url,
        title=plain_line(feed.get("title", ""), 200),
        link=safe_url(feed.get("link", ""), url),
        version=parsed.get("version", "") or "",
        notes=notes,
    )
    bozo = parsed.get("bozo_exception")
    if bozo is not None:
        result.warning = f"{bozo.__class__.__name__}: {bozo}"[:500]
    if not result.version and not parsed.entries:
        result.error = f"not a feed ({result.warning or 'no feed elements found'})"
        return result
    total = feed.get("opensearch_totalresults")
    if total and (count := ascii_digits(str(total).strip())) is not None:
        result.total_results = count
    from_arxiv = _on_arxiv(result.link) or _on_arxiv(url)
    for raw in parsed.entries:
        entry = _entry(raw, result.link or url, from_arxiv)
        if entry is not None:
            result.entries.append(entry)
    return result


def _strip_controls(node: object) -> object:
    """Remove control characters from every string of feedparser's result, in place where possible.

    One NUL byte in any field would otherwise fail the whole source's store (see strip_controls).
    """
    if isinstance(node, str):
        return strip_controls(node)
    if isinstance(node, dict):
        for key, value in list(node.items()):
            node[key] = _strip_controls(value)
    elif isinstance(node, list):
        node[:] = [_strip_controls(value) for value in node]
    return node


def _entry(raw: feedparser.FeedParserDict, base: str, from_arxiv: bool = False) -> ParsedEntry | None:
    link = safe_url(raw.get("link", ""), base)
    title = plain_line(raw.get("title", ""))
    content_html, full = _content(raw, link or base)
    summary = html_to_text(raw.get("summary", "")) if raw.get("summary") else html_to_text(content_html)
    summary = strip_boilerplate(summary)
    if not (title or link or summary):
        return None
    arxiv_id, version = _arxiv(raw, link)
    if arxiv_id and not _is_the_paper(raw, from_arxiv):
        # An item of someone else's feed that links a paper (a blog's write-up, a link roundup) is a post,
        # not the paper: the paper's own title, authors and abstract come from arXiv, and stories join the
        # two by the link.
        arxiv_id, version = "", 0
    announce_type = ""
    if arxiv_id:
        announce_type, summary = announcements.split_header(summary)
        content_html = announcements.strip_header_html(content_html)
        announce_type = announcements.clean_type(str(raw.get("arxiv_announce_type", ""))) or announce_type
    if arxiv_id and "arxiv.org/" in link:
        # The versionless abs page always shows the latest version, and API and listing links then agree.
        link = f"https://arxiv.org/abs/{arxiv_id}"
    doi = normalize_doi(raw.get("arxiv_doi", "") or raw.get("prism_doi", "") or _doi_link(raw))
    if not doi and str(raw.get("dc_identifier", "")).lower().startswith(("doi:", "https://doi.org", "http://dx.doi")):
        doi = normalize_doi(raw.get("dc_identifier", ""))
    categories = [t.get("term", "") for t in raw.get("tags", []) if t.get("term")]
    entry = ParsedEntry(
        guid=_guid(raw, link, title, arxiv_id),
        link=link,
        title=title or "(untitled)",
        authors=_authors(raw, bool(arxiv_id)),
        # dict.get: FeedParserDict.get maps a missing key to another one, with a deprecation warning.
        published=_when(dict.get(raw, "published_parsed")) or _when(dict.get(raw, "updated_parsed")),
        updated=_when(dict.get(raw, "updated_parsed")),
        summary=summary,
        content_html=content_html,
        full_content=full,
        arxiv_id=arxiv_id,
        arxiv_version=version,
        doi=doi,
        pdf_url=_pdf_link(raw, link),
        announce_type=announce_type,
    )
    # arXiv categories look like cs.LG; blog tags are words. Both kept, separately.
    entry.categories = [plain_line(c, 50) for c in categories if arxiv_id and "." in c]
    entry.tags = [plain_line(c, 100) for c in categories if c not in entry.categories][:20]
    return entry


def _content(raw: feedparser.FeedParserDict, base: str) -> tuple[str, bool]:
    """Sanitized body HTML, and whether it is the full content (content:encoded, atom:content) or a summary."""
    for item in raw.get("content", []):
        value = item.get("value", "")
        if value.strip():
            return _as_html(value, item.get("type", ""), base), True
    summary = raw.get("summary_detail", {})
    if raw.get("summary"):
        return _as_html(raw["summary"], summary.get("type", ""), base), False
    return "", False


def _as_html(value: str, mime: str, base: str) -> str:
    if mime == "text/plain":
        return escape_text_as_html(value)
    return clean_html(value, base)


def _authors(raw: feedparser.FeedParserDict, is_paper: bool) -> list[str]:
    # RSS <author> is "email (Name)"; feedparser splits it with a regex that breaks on long TLDs.
    match = _EMAIL_AND_NAME.match(raw.get("author", ""))
    if match:
        names = [match.group(1)]
    else:
        names = [a.get("name", "") for a in raw.get("authors", []) if a.get("name")]
        if not names and raw.get("author"):
            names = [raw["author"]]
    if is_paper and len(names) == 1 and "," in names[0]:
        names = names[0].split(",")  # arXiv listing feeds put all authors in one dc:creator
    cleaned = (plain_line(n, 200) for n in names)
    return [n for n in dict.fromkeys(cleaned) if n][:50]


def _arxiv(raw: feedparser.FeedParserDict, link: str) -> tuple[str, int]:
    for candidate in (raw.get("id", ""), link, raw.get("guid", "")):
        arxiv_id, version = split_arxiv_id(str(candidate))
        if arxiv_id:
            return arxiv_id, version
    return "", 0


def _on_arxiv(url: str) -> bool:
    host = (urlsplit(url or "").hostname or "").lower()
    return host == "arxiv.org" or host.endswith(".arxiv.org")


def _is_the_paper(raw: feedparser.FeedParserDict, from_arxiv: bool) -> bool:
    """True when an item linking an arXiv paper is the paper's own record, with arXiv's metadata.

    That is every item of arXiv's own feeds (the API and rss.arxiv.org, whose feed links are on
    arxiv.org) and an item identified by arXiv's OAI id (a copy of a listing feed). Any other feed's
    item is a post about the paper, whatever its guid: link blogs often use the arXiv link itself as the
    guid, and their title and teaser must never stand in for the paper's.
    """
    own_id = str(raw.get("id", "") or "").strip().lower()
    return from_arxiv or own_id.startswith("oai:arxiv.org:")


def _doi_link(raw: feedparser.FeedParserDict) -> str:
    for link in raw.get("links", []):
        if link.get("title") == "doi" or "doi.org/" in link.get("href", ""):
            return link.get("href", "")
    return ""


def _pdf_link(raw: feedparser.FeedParserDict, link: str) -> str:
    for item in raw.get("links", []):
        if item.get("type") == "application/pdf" or item.get("title") == "pdf":
            return safe_url(item.get("href", ""), link)
    return ""


def _guid(raw: feedparser.FeedParserDict, link: str, title: str, arxiv_id: str) -> str:
    """Stable identity within a source. Papers use the versionless arXiv id so v2 replaces v1."""
    if arxiv_id:
        return f"arxiv:{arxiv_id}"
    if raw.get("id"):
        return str(raw["id"]).strip()[:1000]
    if link:
        return link[:1000]
    # No id and no link: the title and date are all that identify it.
    basis = f"{title}|{raw.get('published', '')}|{raw.get('summary', '')[:200]}"
    return "sha1:" + hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()


def _when(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None
