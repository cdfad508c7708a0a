"""Feed discovery: a page URL becomes the feed URL it advertises; a feed URL stays itself."""

from __future__ import annotations

import pytest

from curator.feeds.discover import DiscoveryError, discover_feed, feed_links
from curator.feeds.fetch import Fetcher

pytestmark = pytest.mark.usefixtures("allow_loopback")


def test_it_finds_the_feed_an_html_page_links_to(feed_server):
    with Fetcher() as fetcher:
        found = discover_feed(feed_server.url("page_with_feed.html"), fetcher)
    assert (found.url, found.kind, found.title) == (feed_server.url("rss20.xml"), "rss", "Gradient Notes (RSS)")


def test_it_keeps_a_feed_url_as_it_is(feed_server):
    with Fetcher() as fetcher:
        found = discover_feed(feed_server.url("atom.xml"), fetcher)
    assert (found.url, found.kind, found.title) == (feed_server.url("atom.xml"), "atom", "Sparse Thoughts")


def test_it_explains_when_a_page_has_no_feed(feed_server):
    with Fetcher() as fetcher, pytest.raises(DiscoveryError, match="neither a feed nor a page"):
        discover_feed(feed_server.url("page_without_feed.html"), fetcher)


def test_it_explains_when_the_page_cannot_be_fetched(feed_server):
    with Fetcher() as fetcher, pytest.raises(DiscoveryError, match="HTTP 404"):
        discover_feed(feed_server.url("missing.html"), fetcher)


def test_it_resolves_links_against_base_and_drops_unsafe_ones():
    html = """<html><head><base href="https://cdn.example/blog/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="stylesheet" type="application/rss+xml" href="/not-alternate.xml"></head></html>"""
    assert [d.url for d in feed_links(html, "https://www.example/")] == ["https://cdn.example/blog/atom.xml"]
