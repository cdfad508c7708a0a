"""The address guard: nothing private, local or odd is ever connected to, however the URL gets there."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from curator.feeds.fetch import BlockedAddress, BlockedURL, Fetcher, refusal_reason
from curator.feeds.ingest import ingest_source
from curator.feeds.models import Source
from tests.support.http_server import FixtureServer

BLOCKED_HOSTS = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "198.18.0.1",
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[ff02::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:10.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[64:ff9b::7f00:1]",
    "[64:ff9b::a9fe:a9fe]",
    "[2002:7f00:1::1]",
    "[::127.0.0.1]",  # IPv4-compatible
    "[::ffff:0:127.0.0.1]",  # IPv4-translated
    "[::ffff:0:8.8.8.8]",
    "[64:ff9b:1::a9fe:a9fe]",
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo, client 127.0.0.1 (stored inverted)
    "2130706433",  # 127.0.0.1 written as one decimal number
    "localhost",
]


@pytest.fixture
def other_server():
    """A server on 127.0.0.2: loopback, and not on the tests' allowlist."""
    server = FixtureServer(host="127.0.0.2")
    yield server
    server.close()


@pytest.mark.parametrize("host", BLOCKED_HOSTS)
def test_it_never_connects_to_a_refused_address(host, connections):
    with Fetcher() as fetcher, pytest.raises(BlockedAddress):
        fetcher.get(f"http://{host}:8080/feed.xml")
    assert connections == []


def test_it_refuses_loopback_unless_allowlisted(feed_server, connections):
    with Fetcher() as fetcher, pytest.raises(BlockedAddress, match="loopback"):
        fetcher.get(feed_server.url("rss20.xml"))
    assert feed_server.requests == [] and connections == []


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "gopher://127.0.0.1:70/_stats", "ftp://example.org/feed.xml", "dict://127.0.0.1:11211/stat"],
)
def test_it_refuses_non_http_schemes(url, connections, allow_loopback):
    with Fetcher() as fetcher, pytest.raises(BlockedURL, match="only http and https"):
        fetcher.get(url)
    assert connections == []


def test_it_refuses_credentials_in_urls(connections):
    with Fetcher() as fetcher, pytest.raises(BlockedURL, match="credentials"):
        fetcher.get("http://user:secret@example.org/feed.xml")
    assert connections == []


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/rss20.xml",
        "http://[::1]:{port}/rss20.xml",
        "http://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        "gopher://127.0.0.2:{port}/x",
    ],
)
def test_it_refuses_a_redirect_to_a_refused_address(target, feed_server, other_server, allow_loopback):
    target = target.format(port=other_server.port)
    with Fetcher() as fetcher, pytest.raises(BlockedURL):
        fetcher.get(feed_server.url(f"redirect-to?url={quote(target)}"))
    assert len(feed_server.requests) == 1
    assert other_server.requests == []


def test_it_keeps_the_source_url_when_a_permanent_redirect_is_refused(feed_server, other_server, allow_loopback, db):
    target = f"http://127.0.0.2:{other_server.port}/atom.xml"
    url = feed_server.url(f"redirect-to?status=301&url={quote(target)}")
    source = Source.objects.create(name="Moved badly", url=url)
    result = ingest_source(source)
    source.refresh_from_db()
    assert result.failed and "refused" in result.error
    assert source.url == url
    assert other_server.requests == []


def test_it_reaches_an_address_the_allowlist_names(other_server, settings):
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    with Fetcher() as fetcher:
        assert fetcher.get(other_server.url("atom.xml")).status == 200


def test_it_connects_to_the_address_it_checked(feed_server, allow_loopback):
    """One resolution per connection, and that answer is where the socket goes: rebinding has no second look."""
    lookups: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"]

    with Fetcher(resolver=resolver) as fetcher:
        result = fetcher.get(f"http://feeds.test:{feed_server.port}/atom.xml")
    assert result.status == 200
    assert lookups == ["feeds.test"]
    assert feed_server.requests[0].headers["host"] == f"feeds.test:{feed_server.port}"


def test_it_refuses_a_name_that_resolves_to_a_private_address(other_server, connections):
    def rebinding(host: str, port: int) -> list[str]:
        return ["127.0.0.2"]

    with Fetcher(resolver=rebinding) as fetcher, pytest.raises(BlockedAddress, match=r"feeds\.test"):
        fetcher.get(f"http://feeds.test:{other_server.port}/atom.xml")
    assert other_server.requests == [] and connections == []


def test_it_skips_refused_answers_among_allowed_ones(feed_server, other_server, allow_loopback, connections):
    def mixed(host: str, port: int) -> list[str]:
        return ["127.0.0.2", "10.0.0.1", "127.0.0.1"]

    with Fetcher(resolver=mixed) as fetcher:
        fetcher.get(f"http://feeds.test:{feed_server.port}/atom.xml")
    assert [address[0] for address in connections] == ["127.0.0.1"]
    assert other_server.requests == []


def test_it_names_the_reason_for_each_address_class():
    assert refusal_reason("100.64.0.1") == "carrier-grade NAT"
    assert refusal_reason("64:ff9b::a00:1") == "NAT64 embedding 10.0.0.1 (private)"
    assert refusal_reason("64:ff9b::808:808") == "NAT64"
    assert refusal_reason("::ffff:8.8.8.8") == "IPv4-mapped IPv6"
    assert refusal_reason("169.254.169.254") == "link-local"
    assert refusal_reason("8.8.8.8") is None
    assert refusal_reason("2606:4700::1111") is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("::127.0.0.1", "IPv4-compatible IPv6 embedding 127.0.0.1 (loopback)"),
        ("::10.1.2.3", "IPv4-compatible IPv6 embedding 10.1.2.3 (private)"),
        ("::8.8.8.8", "IPv4-compatible IPv6"),
        ("::ffff:127.0.0.1", "IPv4-mapped IPv6 embedding 127.0.0.1 (loopback)"),
        ("::ffff:0:127.0.0.1", "IPv4-translated IPv6 embedding 127.0.0.1 (loopback)"),
        ("::ffff:0:169.254.169.254", "IPv4-translated IPv6 embedding 169.254.169.254 (link-local)"),
        ("::ffff:0:8.8.8.8", "IPv4-translated IPv6"),
        ("64:ff9b::127.0.0.1", "NAT64 embedding 127.0.0.1 (loopback)"),
        ("64:ff9b:1::127.0.0.1", "local NAT64 embedding 127.0.0.1 (loopback)"),
        ("64:ff9b:1:0:7f:0:100:0", "local NAT64 embedding 127.0.0.1 (loopback)"),  # a /64 translator prefix
        ("64:ff9b:1:a00:0:100::", "local NAT64 embedding 10.0.0.1 (private)"),  # a /48 prefix
        ("64:ff9b:1::8.8.8.8", "local NAT64"),
        ("2002:7f00:1::1", "6to4 embedding 127.0.0.1 (loopback)"),
        ("2002:a9fe:a9fe::", "6to4 embedding 169.254.169.254 (link-local)"),
        ("2002:808:808::1", "6to4"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "Teredo client embedding 127.0.0.1 (loopback)"),
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "Teredo client embedding 10.0.0.1 (private)"),
        ("2001:0:7f00:1:8000:63bf:f7f7:f7f7", "Teredo server embedding 127.0.0.1 (loopback)"),
        ("2001:0:808:808:8000:63bf:f7f7:f7f7", "Teredo"),
        ("::1", "loopback"),
        ("::", "unspecified"),
    ],
)
def test_it_refuses_every_ipv6_form_that_embeds_an_ipv4_address(address, reason):
    assert refusal_reason(address) == reason


def test_it_checks_the_embedded_address_even_when_the_ipv4_one_is_allowlisted(settings):
    """Allowing 127.0.0.1 allows that address, not every IPv6 disguise of it."""
    settings.FEEDS_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    assert refusal_reason("127.0.0.1") is None
    assert refusal_reason("::127.0.0.1") == "IPv4-compatible IPv6"
    assert refusal_reason("::ffff:0:127.0.0.1") == "IPv4-translated IPv6"


@pytest.mark.parametrize("host", ["::127.0.0.1", "::ffff:0:127.0.0.1"])
def test_it_refuses_an_embedded_loopback_name_answer(host, feed_server, allow_loopback, connections):
    """A DNS answer (here a resolver) that hands back a disguised loopback address is refused too."""

    def disguised(name: str, port: int) -> list[str]:
        return [host]

    with Fetcher(resolver=disguised) as fetcher, pytest.raises(BlockedAddress, match="IPv4-"):
        fetcher.get(f"http://feeds.test:{feed_server.port}/atom.xml")
    assert connections == [] and feed_server.requests == []
