"""FEEDS_LOCAL_DIR: the demo host is answered from files, through the real fetcher; nothing else changes."""

from __future__ import annotations

import os

import httpx
import pytest

from curator.feeds import fetch
from curator.feeds.demo import DEMO_DATA
from curator.feeds.fetch import BlockedAddress, BlockedURL, Fetcher, HTTPStatusError, NetworkError, TooLarge
from curator.feeds.local_feeds import LocalFeedTransport, local_url


@pytest.fixture
def local_dir(settings, tmp_path):
    settings.FEEDS_LOCAL_DIR = str(tmp_path)
    (tmp_path / "feed.xml").write_bytes(b"<rss version='2.0'><channel><title>t</title></channel></rss>")
    return tmp_path


@pytest.fixture
def no_dns(monkeypatch):
    def refuse(host: str, port: int) -> list[str]:
        raise AssertionError(f"no lookup expected, got {host}")

    monkeypatch.setattr(fetch, "system_resolver", refuse)


def test_it_serves_the_file_with_an_etag_and_answers_304_when_it_matches(local_dir, no_dns):
    with Fetcher() as fetcher:
        first = fetcher.get(local_url("feed.xml"), source_url=True)
        again = fetcher.get(local_url("feed.xml"), etag=first.etag, source_url=True)
    assert first.status == 200 and first.content.startswith(b"<rss") and first.etag
    assert first.content_type == "application/xml"
    assert again.not_modified


def test_it_answers_404_for_missing_files_and_names_outside_the_directory(local_dir, no_dns):
    (local_dir.parent / "secret.txt").write_text("not yours")
    with Fetcher() as fetcher:
        for name in ("missing.xml", "..%2Fsecret.txt", ".hidden", "a/b.xml"):
            with pytest.raises(HTTPStatusError, match="HTTP 404"):
                fetcher.get(local_url(name), source_url=True)


def test_it_keeps_the_size_cap(local_dir, settings, no_dns):
    settings.FEEDS_MAX_BYTES = 10
    with Fetcher() as fetcher, pytest.raises(TooLarge):
        fetcher.get(local_url("feed.xml"), source_url=True)


def test_other_hosts_keep_their_guards(local_dir):
    with Fetcher(resolver=lambda host, port: ["127.0.0.1"]) as fetcher, pytest.raises(BlockedAddress):
        fetcher.get("https://feeds.example/feed.xml")


def test_without_the_setting_the_demo_host_is_not_special(settings):
    settings.FEEDS_LOCAL_DIR = ""
    with Fetcher(resolver=lambda host, port: []) as fetcher, pytest.raises((NetworkError, BlockedAddress)):
        fetcher.get(local_url("arxiv_ml.xml"), source_url=True)


def test_the_bundled_demo_directory_holds_every_demo_source(settings, no_dns):
    from curator.feeds.demo import DEMO_SOURCES

    settings.FEEDS_LOCAL_DIR = str(DEMO_DATA)
    with Fetcher() as fetcher:
        for filename, fields, _ in DEMO_SOURCES:
            assert fields["url"] == local_url(filename)
            assert fetcher.get(fields["url"], source_url=True).status == 200


# --- The directory is a boundary ---------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path_factory):
    """A secret next to, not inside, the demo directory (like /etc/passwd or docker/.env)."""
    secret = tmp_path_factory.mktemp("outside") / "env"
    secret.write_text("SECRET_KEY=do-not-serve-me\n")
    return secret


def test_it_refuses_a_symlink_to_a_file_outside_the_directory(local_dir, outside, no_dns, caplog):
    (local_dir / "passwd.xml").symlink_to("/etc/passwd")
    (local_dir / "env.xml").symlink_to(outside)
    with Fetcher() as fetcher:
        for name in ("passwd.xml", "env.xml"):
            with pytest.raises(HTTPStatusError, match="HTTP 403"):
                fetcher.get(local_url(name), source_url=True)
    assert "refused to serve passwd.xml" in caplog.text


def test_it_refuses_links_inside_the_directory_and_hard_links(local_dir, outside, no_dns):
    (local_dir / "alias.xml").symlink_to(local_dir / "feed.xml")
    try:
        os.link(outside, local_dir / "hard.xml")
    except OSError:  # another filesystem: a hard link cannot be made, so cannot be served either
        hard = []
    else:
        hard = ["hard.xml"]
    with Fetcher() as fetcher:
        for name in ["alias.xml", *hard]:
            with pytest.raises(HTTPStatusError, match="HTTP 403"):
                fetcher.get(local_url(name), source_url=True)


def test_it_refuses_directories_and_fifos_without_hanging(local_dir, no_dns):
    (local_dir / "folder.xml").mkdir()
    os.mkfifo(local_dir / "pipe.xml")  # opening a FIFO for reading would wait for a writer forever
    with Fetcher() as fetcher:
        for name in ("folder.xml", "pipe.xml"):
            with pytest.raises(HTTPStatusError, match="HTTP 403"):
                fetcher.get(local_url(name), source_url=True)


def test_it_reads_no_more_than_the_cap(local_dir, settings):
    settings.FEEDS_MAX_BYTES = 1000
    with open(local_dir / "big.xml", "wb") as big:
        big.truncate(2**30)  # a sparse gigabyte: reading it whole would take a second and a gigabyte
    response = LocalFeedTransport(local_dir).handle_request(httpx.Request("GET", local_url("big.xml")))
    assert response.headers["Content-Length"] == str(2**30)
    assert sum(len(chunk) for chunk in response.stream) == 1001  # one past the cap, so the fetcher refuses
    response.close()


def test_the_fetcher_refuses_a_large_file_before_reading_it(local_dir, settings, no_dns):
    settings.FEEDS_MAX_BYTES = 1000
    with open(local_dir / "big.xml", "wb") as big:
        big.truncate(2**30)
    with Fetcher() as fetcher, pytest.raises(TooLarge, match="declares"):
        fetcher.get(local_url("big.xml"), source_url=True)


def test_an_etag_changes_when_the_file_does(local_dir, no_dns):
    with Fetcher() as fetcher:
        first = fetcher.get(local_url("feed.xml"), source_url=True)
        (local_dir / "feed.xml").write_bytes(b"<rss version='2.0'><channel><title>changed</title></channel></rss>")
        second = fetcher.get(local_url("feed.xml"), etag=first.etag, source_url=True)
    assert not second.not_modified and b"changed" in second.content


def test_the_demo_host_is_served_only_as_a_sources_own_url(local_dir, no_dns):
    with Fetcher() as fetcher, pytest.raises(BlockedURL, match="only as a source's own URL"):
        fetcher.get(local_url("feed.xml"))  # an entry's link, a page's feed link


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
def test_an_allowed_feed_host_cannot_redirect_the_fetcher_into_the_directory(local_dir, feed_server):
    from curator.feeds.ingest import ingest_source
    from curator.feeds.models import Entry, Source

    target = feed_server.url(f"/redirect-to?url={local_url('feed.xml')}")
    with Fetcher() as fetcher, pytest.raises(BlockedURL, match="redirected from"):
        fetcher.get(target, source_url=True)
    source = Source.objects.create(name="hostile", url=target)
    result = ingest_source(source)
    source.refresh_from_db()
    assert result.failed and "only as a source's own URL" in source.last_error
    assert not Entry.objects.exists()


def test_an_entry_link_on_the_demo_host_gets_no_full_text(local_dir, no_dns):
    from curator.feeds.extract import fetch_full_text

    with Fetcher() as fetcher:
        text, reason = fetch_full_text(local_url("feed.xml"), fetcher)
    assert text is None and "only as a source's own URL" in reason
