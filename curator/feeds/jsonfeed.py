"""JSON Feed (https://jsonfeed.org, versions 1 and 1.1) read into the shape feedparser gives XML feeds.

feedparser reads RSS, RDF and Atom only, and feed discovery already follows `application/feed+json`
links, so a JSON Feed would otherwise be refused as "not a feed". Mapping it onto feedparser's result
lets parse.py apply one set of rules (sanitizing, bounds, ids, teaser versus body) to every format.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

VERSION_PREFIX = "https://jsonfeed.org/version/"
# A feed bigger than this is not read as JSON at all (the fetcher's own size cap is the real limit).
MAX_ITEMS = 2000


def looks_like_json_feed(data: bytes) -> bool:
    """Cheap test before json.loads: JSON Feeds are objects, XML starts with '<'."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b"jsonfeed.org/version/" in data[:65536]


def read(data: bytes) -> feedparser.FeedParserDict | None:
    """feedparser's structure for a JSON Feed document, or None when `data` is not one."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(document, dict) or not str(document.get("version", "")).startswith(VERSION_PREFIX):
        return None
    version = "json" + str(document["version"])[len(VERSION_PREFIX) :].replace(".", "")
    items = document.get("items")
    items = items[:MAX_ITEMS] if isinstance(items, list) else []
    entries = [_entry(item) for item in items if isinstance(item, dict)]
    feed = feedparser.FeedParserDict(
        title=_text(document.get("title")),
        link=_text(document.get("home_page_url")),
    )
    return feedparser.FeedParserDict(feed=feed, entries=entries, version=version, bozo=False)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _entry(item: dict[str, Any]) -> feedparser.FeedParserDict:
    raw = feedparser.FeedParserDict()
    if _text(item.get("id")) or isinstance(item.get("id"), int):
        raw["id"] = str(item["id"])
    raw["link"] = _text(item.get("url")) or _text(item.get("external_url"))
    raw["title"] = _text(item.get("title"))
    # content_html is the post; content_text a plain one; summary is the teaser, as <description> is.
    if _text(item.get("content_html")):
        raw["content"] = [{"value": item["content_html"], "type": "text/html"}]
    elif _text(item.get("content_text")):
        raw["content"] = [{"value": item["content_text"], "type": "text/plain"}]
    if _text(item.get("summary")):
        raw["summary"] = item["summary"]
        raw["summary_detail"] = {"type": "text/plain"}
    authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
    raw["authors"] = [{"name": a["name"]} for a in authors if isinstance(a, dict) and _text(a.get("name"))]
    for key, field in (("published_parsed", "date_published"), ("updated_parsed", "date_modified")):
        when = _when(item.get(field))
        if when is not None:
            raw[key] = when
    tags = item.get("tags")
    raw["tags"] = [{"term": t} for t in (tags if isinstance(tags, list) else []) if _text(t)]
    return raw


def _when(value: Any) -> time.struct_time | None:
    """RFC 3339 as JSON Feed requires; anything unreadable is no date rather than a failed feed."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).timetuple()
