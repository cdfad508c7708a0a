"""parse_feed on every feed dialect and on hostile or broken documents: plain dataclasses, never an exception."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from curator.feeds.parse import parse_feed
from tests.support.http_server import FIXTURES


def parse(name: str, url: str = "https://feeds.example/feed.xml"):
    return parse_feed((FIXTURES / name).read_bytes(), url)


def test_it_reads_rss_20_with_content_authors_and_tags():
    feed = parse("rss20.xml")
    assert (feed.title, feed.version, feed.error) == ("Gradient Notes", "rss20", "")
    first = feed.entries[0]
    assert first.guid == "gn-2026-001"
    assert first.authors == ["Mira Okafor"]
    assert first.published == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    assert first.tags == ["optimization", "training"]
    assert first.full_content and "second-moment estimates" in first.content_html
    assert 'href="https://gradient-notes.example/posts/rectified-adam/"' in first.content_html
    assert "<script" not in first.content_html and "track()" not in first.content_html


def test_it_takes_the_name_from_an_rss_author_with_email():
    assert parse("rss20.xml").entries[1].authors == ["Tomas Lind"]


def test_it_reads_rss_091():
    feed = parse("rss091.xml")
    assert feed.version.startswith("rss09")
    assert [e.title for e in feed.entries] == ["Kernel methods are back (again)", "A gentle tour of Gaussian processes"]
    assert feed.entries[0].guid == "http://oldschool-ml.example/2026/kernels.html"  # no guid: the link


def test_it_reads_rss_10_with_dublin_core_and_doi():
    feed = parse("rss10.rdf")
    assert feed.version == "rss10"
    paper = feed.entries[0]
    assert paper.doi == "10.5555/jrml.2026.123" and paper.kind == "paper"
    assert paper.authors == ["Ana Ruiz"]
    assert paper.published == datetime(2026, 10, 30, 12, 0, tzinfo=UTC)


def test_it_reads_atom_with_html_and_text_content():
    feed = parse("atom.xml")
    moe, notes = feed.entries
    assert moe.title == "Mixture-of-experts routing, without the load-balancing loss"
    assert moe.authors == ["Jun Tanaka", "Priya Natarajan"]
    assert moe.content_html.startswith("<p>Token-choice routing")
    # type="text" content is text: the markup it mentions is shown, not interpreted.
    assert "&lt;b&gt;this&lt;/b&gt;" in notes.content_html and "<b>" not in notes.content_html


def test_it_reads_an_arxiv_api_response():
    feed = parse("arxiv_page1.xml")
    assert feed.total_results == 5
    paper = feed.entries[0]
    assert (paper.arxiv_id, paper.arxiv_version, paper.guid) == ("2610.01001", 1, "arxiv:2610.01001")
    assert paper.doi == "10.48550/arxiv.2610.01001"
    assert paper.pdf_url == "https://arxiv.org/pdf/2610.01001v1"
    assert paper.link == "https://arxiv.org/abs/2610.01001"  # versionless: always the latest
    assert paper.categories == ["cs.LG", "stat.ML"]
    assert paper.authors == ["Hana Sato", "Diego Marquez"]
    assert paper.summary.startswith("We learn the noise schedule")


def test_it_reads_an_arxiv_listing_feed_and_splits_its_authors():
    paper = parse("arxiv_listing.rss").entries[0]
    assert paper.guid == "arxiv:2610.01001"
    assert paper.authors == ["Hana Sato", "Diego Marquez"]


def test_it_recovers_from_a_wrong_declared_encoding():
    feed = parse("wrong_encoding.xml")
    assert feed.error == ""
    assert feed.title == "Café des Réseaux"
    assert feed.entries[0].title == "Réseaux de neurones et été studieux"


def test_it_salvages_what_it_can_from_malformed_xml():
    feed = parse("malformed.xml")
    assert feed.error == "" and feed.warning
    assert feed.entries[0].title == "An item with an unescaped & ampersand"


def test_it_turns_a_hopeless_document_into_an_error_without_raising():
    feed = parse("garbage.bin")
    assert feed.error.startswith("not a feed") and feed.entries == []


@pytest.mark.parametrize("data", [b"", b"\x00" * 100, b"<rss", "<html>caf\u00e9</html>".encode("utf-16")])
def test_it_never_raises_on_junk(data):
    assert parse_feed(data, "https://feeds.example/x").entries == []


def test_it_does_not_expand_an_entity_bomb():
    started = time.monotonic()
    feed = parse("entity_bomb.xml")
    assert time.monotonic() - started < 2
    text = feed.title + "".join(e.title + e.summary + e.content_html for e in feed.entries)
    assert "boomboom" not in text and len(text) < 1000


def test_it_never_reads_a_body_as_a_file_name(tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes((FIXTURES / "rss20.xml").read_bytes())
    feed = parse_feed(str(secret).encode(), "https://feeds.example/x")
    assert feed.entries == [] and feed.error


def test_it_resolves_relative_links_against_the_feed_url():
    feed = parse("teasers.xml", url="https://teasers.example/blog/feed.xml")
    assert feed.entries[0].link == "https://teasers.example/article.html"
    assert feed.entries[0].guid == "teaser-1"  # a relative-looking guid stays what the feed said


def test_it_marks_short_summaries_as_teasers():
    feed = parse("teasers.xml")
    assert all(e.is_teaser for e in feed.entries)
    assert not parse("rss20.xml").entries[0].is_teaser
