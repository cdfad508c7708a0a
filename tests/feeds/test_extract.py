"""Full text for teaser-only posts: fetched through the same guard, and never a reason to fail an ingest."""

from __future__ import annotations

import pytest

from curator.feeds.extract import extract_text, fetch_full_text
from curator.feeds.fetch import Fetcher
from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry
from tests.support.http_server import FIXTURES

pytestmark = pytest.mark.usefixtures("allow_loopback")


def test_it_extracts_the_article_and_leaves_out_the_page_furniture():
    text = extract_text((FIXTURES / "article.html").read_bytes(), "https://gradient-notes.example/posts/x")
    assert "self-supervised prototype metric" in text
    assert "All rights reserved" not in text and "Subscribe" not in text and "analytics" not in text


def test_it_returns_none_for_a_page_without_main_text():
    assert extract_text(b"<html><body><p>Hi.</p></body></html>", "https://x.example/") is None


@pytest.mark.django_db
def test_it_fills_in_full_text_for_teasers_and_survives_a_missing_page(make_source):
    source = make_source("teasers.xml")
    result = ingest_source(source)
    assert result.new == 2 and not result.failed
    assert "prune below the point where classes start to vanish" in Entry.objects.get(guid="teaser-1").full_text
    assert Entry.objects.get(guid="teaser-2").full_text == ""
    assert any("gone.html" in w for w in result.warnings)


@pytest.mark.django_db
def test_it_fetches_each_article_once(make_source, feed_server):
    source = make_source("teasers.xml")
    ingest_source(source)
    source.etag = ""
    source.save(update_fields=["etag"])
    ingest_source(source)
    assert feed_server.state.paths().count("/article.html") == 1


@pytest.mark.django_db
def test_it_skips_full_text_when_the_source_says_so(make_source, feed_server):
    ingest_source(make_source("teasers.xml", fetch_full_text=False))
    assert "/article.html" not in feed_server.state.paths()


def test_it_reports_a_refused_article_url_instead_of_raising():
    with Fetcher() as fetcher:
        text, problem = fetch_full_text("http://169.254.169.254/latest/meta-data/", fetcher)
    assert text is None and "refused" in problem


def test_it_extracts_the_same_page_again_in_the_same_process():
    page = (FIXTURES / "article.html").read_bytes()
    first = extract_text(page, "https://gradient-notes.example/posts/x")
    again = extract_text(page, "https://gradient-notes.example/posts/x")
    assert first is not None and again == first
