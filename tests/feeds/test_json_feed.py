"""JSON Feed sources: read like RSS and Atom, the summary as the teaser, content_html as the body."""

from __future__ import annotations

import json

import pytest

from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry
from curator.feeds.parse import parse_feed
from summarizer import drafting
from summarizer.models import Draft
from summarizer.postprocess import normalize_whitespace, split_sentences


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
def test_a_json_feed_is_ingested_and_drafted_from_its_body(make_source, settings):
    settings.SUMMARIZER_MODEL = ""
    result = ingest_source(make_source("feed.json", fetch_full_text=False))
    assert result.new == 1 and not result.failed, result.error
    post = Entry.objects.get()
    assert post.title == "Benchmark contamination, measured"
    assert post.url == "https://evalweekly.example/2026/12/contamination"
    assert post.authors == ["Tariq Haddad"] and post.tags == ["evaluation"]
    assert post.published_at.isoformat() == "2026-12-02T08:00:00+00:00"
    assert post.abstract == "How much of the test set did the model see?"
    assert post.full_text.startswith("We searched the pretraining corpus")
    drafting.draft_entries([post.pk])
    draft = Draft.objects.get(entry=post).text
    for sentence in split_sentences(draft):
        assert sentence in normalize_whitespace(post.full_text), sentence


def _feed(**item: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1", "title": "T", "items": [item]}).encode()


def test_version_1_fields_and_plain_text_content():
    feed = parse_feed(
        _feed(id=7, url="/posts/7", title="<b>Seven</b>", content_text="One & two.", author={"name": "Ada"}),
        "https://site.example/feed.json",
    )
    assert feed.ok and feed.version == "json1"
    (entry,) = feed.entries
    assert entry.guid == "7" and entry.link == "https://site.example/posts/7"
    assert entry.title == "Seven" and entry.authors == ["Ada"]
    assert entry.body_text == "One & two."  # plain text stays text, escaped in the stored HTML
    assert "One &amp; two." in entry.content_html


def test_json_that_is_not_a_json_feed_is_not_a_feed():
    not_a_feed = parse_feed(b'{"version": "2", "note": "jsonfeed.org/version/ is mentioned"}', "https://x.example/")
    assert not not_a_feed.ok and not_a_feed.entries == []
    broken = parse_feed(b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "https://x.example/")
    assert not broken.ok


def test_odd_items_are_skipped_or_read_without_the_odd_field():
    data = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "items": ["not an item", {"id": "a", "title": "Kept", "date_published": "yesterday", "tags": [1, "x"]}],
        }
    ).encode()
    (entry,) = parse_feed(data, "https://x.example/feed.json").entries
    assert entry.title == "Kept" and entry.published is None and entry.tags == ["x"]
