"""URLs no HTTP client can request, from a redirect or an entry link: one clear FetchError, never a batch lost."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from curator.feeds.fetch import BlockedURL, Fetcher, FetchError, MalformedURL
from curator.feeds.ingest import ingest_many
from curator.feeds.models import Entry, IngestRun, Source
from tests.support.http_server import FixtureServer

ODD_LOCATIONS = ["http:odd.example:81/x", "http://0177.0.0.1/x", "http://[::1/x", "http://xn--/x", "http://a\x01b/"]

TEASER_FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Odd links</title><link>https://odd.example/</link>
<item><title>Octal loopback</title><link>{link}</link><guid>odd-1</guid><description>Short.</description></item>
</channel></rss>"""


def serve(server: FixtureServer, path: str, body: str, content_type: str = "application/rss+xml") -> str:
    server.state.routes[path] = lambda handler: handler.send_body(200, body.encode(), content_type)
    return server.url(path)


def odd_redirect(server: FixtureServer, location: str) -> str:
    """A raw Location header, exactly as a hostile or broken server sends it."""
    path = f"/odd-{len(server.state.routes)}"
    server.state.routes[path] = lambda handler: handler.redirect(302, location)
    return server.url(path)


@pytest.mark.usefixtures("allow_loopback")
@pytest.mark.parametrize("location", ODD_LOCATIONS)
def test_it_turns_a_redirect_to_an_unrequestable_url_into_a_fetch_error(feed_server, location):
    with Fetcher() as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(odd_redirect(feed_server, location))
    assert not caught.value.transient
    assert len(feed_server.requests) == 1


@pytest.mark.parametrize("url", ["http://0177.0.0.1/post", "http://0x7f.1/post", "http://a\x00b.example/"])
def test_it_refuses_an_unrequestable_url_before_connecting(url, connections):
    with Fetcher() as fetcher, pytest.raises(BlockedURL):
        fetcher.get(url)
    assert connections == []


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
@pytest.mark.parametrize("workers", [1, 8])
def test_it_keeps_a_batch_going_past_odd_urls(feed_server, make_source, workers):
    good = [make_source(name, fetch_full_text=False) for name in ("rss20.xml", "rss091.xml", "atom.xml")]
    redirected = Source.objects.create(name="odd redirect", url=odd_redirect(feed_server, "http:odd.example:81/x"))
    linked = Source.objects.create(
        name="odd link", url=serve(feed_server, "/odd-link.xml", TEASER_FEED.format(link="http://0177.0.0.1/post"))
    )
    results = {r.source_id: r for r in ingest_many([*good, redirected, linked], max_workers=workers)}

    assert IngestRun.objects.count() == 5
    assert all(not results[s.pk].failed and results[s.pk].new for s in good)
    assert results[redirected.pk].failed and "malformed URL" in results[redirected.pk].error
    redirected.refresh_from_db()
    assert redirected.last_status == Source.Status.ERROR and "malformed URL" in redirected.last_error
    # The entry with the odd link is kept; only its full text is missing, and the run says why.
    assert results[linked.pk].new == 1 and not results[linked.pk].failed
    assert Entry.objects.get(source=linked).title == "Octal loopback"
    warnings = IngestRun.objects.get(source=linked).errors
    assert any("0177.0.0.1" in w.get("warning", "") and "malformed URL" in w["warning"] for w in warnings)


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
@pytest.mark.parametrize("location", ODD_LOCATIONS)
def test_it_explains_an_odd_redirect_when_a_source_is_added(admin_client, feed_server, location):
    data = {"name": "Added", "url": odd_redirect(feed_server, location), "kind": "rss", "arxiv_query": ""}
    data |= {"active": "on", "section_hint": "", "tags": "[]", "fetch_full_text": "on"}
    response = admin_client.post("/admin/feeds/source/add/", data)
    assert response.status_code == 200
    assert "could not fetch" in response.content.decode()
    assert not Source.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
def test_it_explains_a_page_that_links_only_to_an_odd_feed_url(admin_client, feed_server):
    page = '<html><head><link rel="alternate" type="application/rss+xml" href="http://0177.0.0.1/feed"></head></html>'
    data = {"name": "Added", "url": serve(feed_server, "/odd-page.html", page, "text/html"), "kind": "rss"}
    data |= {"arxiv_query": "", "active": "on", "section_hint": "", "tags": "[]", "fetch_full_text": "on"}
    response = admin_client.post("/admin/feeds/source/add/", data)
    assert response.status_code == 200
    assert "links only to feeds that cannot be fetched: malformed URL" in response.content.decode()
    assert not Source.objects.exists()


def test_it_quotes_the_location_it_could_not_follow(feed_server, settings):
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    url = feed_server.url(f"redirect-to?url={quote('http://0177.0.0.1/x')}")
    with Fetcher() as fetcher, pytest.raises(MalformedURL, match="0177"):
        fetcher.get(url)


@pytest.mark.usefixtures("allow_loopback")
@pytest.mark.parametrize(
    "raw",
    [
        b"SPDY/9 what\r\n\r\n",  # not HTTP at all
        b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",  # hangs up early
        b"HTTP/1.1 302 Found\r\nLocation: http://[::1\r\nContent-Length: 0\r\n\r\n",
    ],
)
def test_it_turns_a_protocol_error_into_a_fetch_error(feed_server, raw):
    def broken(handler):
        handler.wfile.write(raw)
        handler.close_connection = True

    feed_server.state.routes["/broken"] = broken
    with Fetcher() as fetcher, pytest.raises(FetchError):
        fetcher.get(feed_server.url("broken"))


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
def test_it_adds_a_source_from_a_page_that_trips_the_html_parser(admin_client, feed_server):
    link = f'<link rel="alternate" type="application/rss+xml" href="{feed_server.url("rss20.xml")}">'
    for name, page in [("/tripped.html", f"<html><head>{link}<![foo[ x ]]>"), ("/only-trip.html", "<![foo[ x ]]>")]:
        serve(feed_server, name, page, "text/html")
    data = {"name": "Added", "kind": "rss", "arxiv_query": "", "active": "on", "section_hint": "", "tags": "[]"}
    response = admin_client.post("/admin/feeds/source/add/", {**data, "url": feed_server.url("only-trip.html")})
    assert response.status_code == 200 and "neither a feed nor a page" in response.content.decode()
    response = admin_client.post("/admin/feeds/source/add/", {**data, "url": feed_server.url("tripped.html")})
    assert response.status_code == 302
    assert Source.objects.get(name="Added").url == feed_server.url("rss20.xml")
