"""Parse time is bounded: pathologically nested or huge fields are flattened or cut, and the run says so."""

from __future__ import annotations

import time

import pytest

from curator.feeds import bounds
from curator.feeds.bounds import MAX_FIELD_CHARS, MAX_HTML_DEPTH, bound_document, too_deep
from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry, IngestRun, Source
from curator.feeds.parse import parse_feed
from curator.feeds.sanitize import html_to_text
from tests.support.pathological import deep_divs

# "A few seconds" on a quiet machine; generous, since the test machine is shared.
PARSE_BUDGET_S = 8.0


@pytest.mark.parametrize("count", [50_000, 200_000])
def test_it_parses_deeply_nested_html_in_seconds(count):
    data = deep_divs(count)
    started = time.monotonic()
    feed = parse_feed(data, "https://deep.example/feed")
    elapsed = time.monotonic() - started
    assert elapsed < PARSE_BUDGET_S, f"{len(data):,} bytes took {elapsed:.1f}s"
    nested, plain = feed.entries
    assert "deep text" in nested.summary and "<div" not in nested.content_html
    assert plain.content_html == "<p>An ordinary <b>post</b>.</p>"
    assert len(feed.notes) == 1 and feed.notes[0].startswith("entry 1 ('Nested'): HTML nested more than 100")


def test_it_flattens_only_past_the_depth_limit():
    shallow = "<blockquote>" * MAX_HTML_DEPTH + "x" + "</blockquote>" * MAX_HTML_DEPTH
    deep = "<blockquote>" * (MAX_HTML_DEPTH + 1) + "x" + "</blockquote>" * (MAX_HTML_DEPTH + 1)
    assert not too_deep(shallow) and too_deep(deep)


@pytest.mark.parametrize(
    "html",
    [
        "<p>one" * 5_000,  # unclosed paragraphs close each other
        "<ul>" + "<li>item" * 5_000 + "</ul>",
        "<div>x</div>" * 5_000,  # wide, not deep
        "<br><img src=a.png>" * 5_000,
        "a < b " * 5_000,  # text full of "<" that opens nothing
    ],
)
def test_it_leaves_wide_or_self_closing_html_alone(html):
    assert not too_deep(html)


def test_it_counts_unclosed_and_misnested_elements_as_open():
    assert too_deep("<b>x" * (MAX_HTML_DEPTH + 1))
    assert not too_deep("<b><i>x</b></i>" * 1_000)


def test_it_cuts_a_huge_field_and_says_so(monkeypatch):
    monkeypatch.setattr(bounds, "MAX_FIELD_CHARS", 1_000)
    parsed = {"feed": {}, "entries": [{"title": "Long", "summary": "y" * 5_000}]}
    notes = bound_document(parsed)
    assert parsed["entries"][0]["summary"] == "y" * 1_000
    assert notes == ["entry 1 ('Long'): 5,000 characters cut to 1,000 (summary)"]


def test_it_keeps_the_notes_of_a_hostile_feed_short():
    deep = "<i>" * (MAX_HTML_DEPTH + 1)
    parsed = {"feed": {"title": deep}, "entries": [{"title": f"n{i}", "summary": deep} for i in range(50)]}
    notes = bound_document(parsed)
    assert notes[0].startswith("feed: HTML nested") and len(notes) == 1 + bounds.MAX_NOTES
    assert notes[-1] == f"... and {50 - bounds.MAX_NOTES + 1} more entries bounded the same way"


def test_it_leaves_ordinary_fields_untouched():
    parsed = {"feed": {"title": "Blog"}, "entries": [{"title": "Post", "summary": "<p>" + "word " * 1_000 + "</p>"}]}
    before = repr(parsed)
    assert bound_document(parsed) == [] and repr(parsed) == before
    assert MAX_FIELD_CHARS >= 500_000


@pytest.mark.django_db
@pytest.mark.usefixtures("allow_loopback")
def test_it_stores_the_entries_and_notes_the_flattening_in_the_run(feed_server):
    feed_server.state.routes["/deep.xml"] = lambda h: h.send_body(200, deep_divs(50_000), "application/rss+xml")
    source = Source.objects.create(name="Deep", url=feed_server.url("deep.xml"), fetch_full_text=False)
    result = ingest_source(source)
    assert not result.failed and result.new == 2
    assert "deep text" in Entry.objects.get(source=source, guid="nested-1").abstract
    run = IngestRun.objects.get(source=source)
    [note] = run.errors
    assert note["source"] == source.pk and "flattened to plain text" in note["warning"]


def test_it_extracts_text_from_a_wide_page_without_making_it_deep():
    """40,000 sibling <div>s are flat; text extraction once dropped their end tags and nested them all."""
    wide = "<div>x</div>" * 40_000
    started = time.monotonic()
    text = html_to_text(wide)
    assert time.monotonic() - started < 2.0
    assert text.count("x") == 40_000 and text.startswith("x\n\nx\n\nx")


def test_it_parses_a_feed_item_of_many_flat_blocks_in_seconds():
    wide = "<div>paragraph</div>" * 40_000
    data = deep_divs(0).replace(b"<![CDATA[deep text]]>", f"<![CDATA[{wide}]]>".encode())
    started = time.monotonic()
    feed = parse_feed(data, "https://deep.example/feed")
    assert time.monotonic() - started < PARSE_BUDGET_S
    assert feed.notes == [] and feed.entries[0].summary.count("paragraph") == 40_000
