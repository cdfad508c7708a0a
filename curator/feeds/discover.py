"""From whatever URL an editor pastes to the feed behind it: a feed stays a feed, a page yields its <link>."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin

from curator.feeds.fetch import Fetcher, FetchError, check_url
from curator.feeds.local_feeds import is_local_host
from curator.feeds.parse import parse_feed
from curator.feeds.sanitize import safe_url

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rss",
    "application/feed+json": "",
    "application/json": "",
}
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"


class DiscoveryError(Exception):
    pass


@dataclass
class Discovered:
    url: str
    kind: str
    title: str


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base = ""
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and not self.base:
            self.base = values.get("href", "")
        rels = values.get("rel", "").lower().split()
        mime = values.get("type", "").lower().split(";")[0].strip()
        if tag == "link" and "alternate" in rels and mime in FEED_TYPES and FEED_TYPES[mime]:
            self.links.append((values.get("href", ""), FEED_TYPES[mime], values.get("title", "")))


def feed_links(html: str, page_url: str) -> list[Discovered]:
    """Every <link rel="alternate"> to an RSS or Atom feed, in document order, as absolute http(s) URLs."""
    finder = _LinkFinder()
    # html.parser gives up on some marked sections (`<![foo[`) with an AssertionError; links found
    # before that point still count.
    with contextlib.suppress(AssertionError):
        finder.feed(html)
    base = urljoin(page_url, finder.base) if finder.base else page_url
    found: list[Discovered] = []
    for href, kind, title in finder.links:
        url = safe_url(href, base)
        if url and url not in {d.url for d in found}:
            found.append(Discovered(url=url, kind=kind, title=title.strip()))
    return found


def discover_feed(url: str, fetcher: Fetcher) -> Discovered:
    """The feed for `url`: itself when it already is one, else the first feed the HTML page links to."""
    try:
        response = fetcher.get(url, accept=ACCEPT, source_url=True)  # the address the editor typed
    except FetchError as exc:
        raise DiscoveryError(f"could not fetch {url}: {exc}") from exc
    final = response.permanent_url or url
    parsed = parse_feed(response.content, response.final_url, response.content_type)
    if parsed.ok and (parsed.entries or parsed.version):
        kind = "atom" if parsed.version.startswith("atom") else "rss"
        return Discovered(url=final, kind=kind, title=parsed.title)
    text = response.content.decode("utf-8", errors="replace")
    links = feed_links(text, response.final_url)
    if not links:
        raise DiscoveryError(f"{url} is neither a feed nor a page that links to one")
    problems = []
    for link in links:
        # A link the fetcher would refuse later is no feed for this source; say so now, not at every fetch.
        try:
            check_url(link.url)
        except FetchError as exc:
            problems.append(str(exc))
            continue
        if is_local_host(link.url) and not is_local_host(url):
            problems.append(f"{link.url}: the demo host is fetched only as a source's own URL")
            continue
        return link
    raise DiscoveryError(f"{url} links only to feeds that cannot be fetched: {'; '.join(problems)}")
