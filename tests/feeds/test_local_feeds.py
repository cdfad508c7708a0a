"""FEEDS_LOCAL_DIR: the demo host is answered from files, through the real fetcher; nothing else changes."""

from __future__ import annotations

import pytest

from curator.feeds import fetch
from curator.feeds.demo import DEMO_DATA
from curator.feeds.fetch import BlockedAddress, Fetcher, HTTPStatusError, NetworkError, TooLarge
from curator.feeds.local_feeds import local_url


@pytest.fixture
def local_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.FEEDS_LOCAL_DIR = str(tmp_path)
    (tmp_path / "feed.xml").write_bytes(b"<rss version='2.0'><channel><title>t</title></channel></rss>")
    return tmp_path


@pytest.fixture
def no_dns(monkeypatch):  # type: ignore[no-untyped-def]
    def refuse(host: str, port: int) -> list[str]:
        raise AssertionError(f"no lookup expected, got {host}")

    monkeypatch.setattr(fetch, "system_resolver", refuse)


def test_it_serves_the_file_with_an_etag_and_answers_304_when_it_matches(local_dir, no_dns):
    with Fetcher() as fetcher:
        first = fetcher.get(local_url("feed.xml"))
        again = fetcher.get(local_url("feed.xml"), etag=first.etag)
    assert first.status == 200 and first.content.startswith(b"<rss") and first.etag
    assert first.content_type == "application/xml"
    assert again.not_modified


def test_it_answers_404_for_missing_files_and_names_outside_the_directory(local_dir, no_dns):
    (local_dir.parent / "secret.txt").write_text("not yours")
    with Fetcher() as fetcher:
        for name in ("missing.xml", "..%2Fsecret.txt", ".hidden", "a/b.xml"):
            with pytest.raises(HTTPStatusError, match="HTTP 404"):
                fetcher.get(local_url(name))


def test_it_keeps_the_size_cap(local_dir, settings, no_dns):
    settings.FEEDS_MAX_BYTES = 10
    with Fetcher() as fetcher, pytest.raises(TooLarge):
        fetcher.get(local_url("feed.xml"))


def test_other_hosts_keep_their_guards(local_dir):
    with Fetcher(resolver=lambda host, port: ["127.0.0.1"]) as fetcher, pytest.raises(BlockedAddress):
        fetcher.get("https://feeds.example/feed.xml")


def test_without_the_setting_the_demo_host_is_not_special(settings):
    settings.FEEDS_LOCAL_DIR = ""
    with Fetcher(resolver=lambda host, port: []) as fetcher, pytest.raises((NetworkError, BlockedAddress)):
        fetcher.get(local_url("arxiv_ml.xml"))


def test_the_bundled_demo_directory_holds_every_demo_source(settings, no_dns):
    from curator.feeds.demo import DEMO_SOURCES

    settings.FEEDS_LOCAL_DIR = str(DEMO_DATA)
    with Fetcher() as fetcher:
        for filename, fields, _ in DEMO_SOURCES:
            assert fields["url"] == local_url(filename)
            assert fetcher.get(fields["url"]).status == 200
