"""ingest_source / ingest_many against the local server, stored in PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from curator.feeds.ingest import ingest_many, ingest_source
from curator.feeds.models import Entry, IngestRun, Sighting, Source
from curator.feeds.signals import entries_created

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def test_it_stores_entries_with_their_fields(make_source):
    source = make_source("rss20.xml", fetch_full_text=False)
    result = ingest_source(source)
    assert (result.new, result.failed) == (3, False)
    entry = Entry.objects.get(guid="gn-2026-001")
    assert entry.source == source and entry.kind == Entry.Kind.POST
    assert entry.title == "Why warmup still matters for Adam"
    assert entry.authors == ["Mira Okafor"]
    assert entry.published_at == datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    assert entry.canonical_url == "https://gradient-notes.example/posts/warmup-adam"
    assert entry.abstract == "A short look at learning-rate warmup."
    assert "second-moment" in entry.content_html and entry.triage == Entry.Triage.NEW
    assert Sighting.objects.filter(source=source).count() == 3


def test_it_stores_papers_with_arxiv_fields(feed_server):
    feed_server.state.arxiv_pages = {0: "arxiv_page1.xml"}
    source = Source.objects.create(
        name="diffusion", url=feed_server.url("api/query"), kind=Source.Kind.ARXIV, arxiv_query="abs:diffusion"
    )
    ingest_source(source, arxiv_interval=0)
    paper = Entry.objects.get(arxiv_id="2610.01001")
    assert paper.kind == Entry.Kind.PAPER and paper.arxiv_version == 1
    assert paper.doi == "10.48550/arxiv.2610.01001"
    assert paper.pdf_url == "https://arxiv.org/pdf/2610.01001v1"
    assert paper.categories == ["cs.LG", "stat.ML"]


def test_it_changes_nothing_when_the_same_feed_is_ingested_again(make_source, feed_server):
    source = make_source("atom.xml")
    ingest_source(source)
    before = list(Entry.objects.order_by("pk").values())
    source.etag = source.last_modified = ""  # force a full fetch and parse, not a 304
    source.save(update_fields=["etag", "last_modified"])
    again = ingest_source(source)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Entry.objects.order_by("pk").values()) == before


def test_it_parses_nothing_and_writes_no_entries_on_304(make_source, feed_server):
    source = make_source("rss10.rdf")
    ingest_source(source)
    source.refresh_from_db()
    assert source.etag
    second = ingest_source(source)
    assert second.not_modified and not second.parsed and second.new == second.unchanged == 0
    assert feed_server.requests[-1].headers["if-none-match"] == source.etag
    source.refresh_from_db()
    assert source.last_status == Source.Status.NOT_MODIFIED
    assert IngestRun.objects.filter(source=source, not_modified=True).count() == 1


def test_it_collapses_the_same_post_from_two_sources(make_source):
    ingest_source(make_source("blog_a.xml", fetch_full_text=False))
    b = make_source("blog_b.xml", fetch_full_text=False)
    result = ingest_source(b)
    assert (result.new, result.unchanged) == (1, 1)
    post = Entry.objects.get(canonical_url="https://tokens.example/posts/leaky-tokenizers")
    assert set(post.sightings.values_list("source__name", flat=True)) == {"blog_a.xml", "blog_b.xml"}
    assert Entry.objects.filter(title="Tokenizers are a leaky abstraction").count() == 1


def test_it_collapses_papers_across_sources_by_arxiv_id_and_doi(make_source, feed_server):
    feed_server.state.arxiv_pages = {0: "arxiv_page1.xml"}
    api = Source.objects.create(name="api", url=feed_server.url("api/query"), kind="arxiv", arxiv_query="x")
    ingest_source(api, arxiv_interval=0)
    listing = ingest_source(make_source("arxiv_listing.rss", kind="arxiv"))
    assert (listing.new, listing.unchanged) == (1, 1)  # 2610.01001 is already known from the API
    journal = ingest_source(make_source("rss10.rdf"))
    blog = ingest_source(make_source("blog_a.xml", fetch_full_text=False))
    # blog_a's DOI points at a known entry; its post about an arXiv paper stays a post of its own
    # (the paper's story joins them), so it never hides the paper's title and authors.
    assert journal.new == 2 and blog.new == 2
    assert Entry.objects.filter(arxiv_id="2610.02002").count() == 1
    assert Entry.objects.get(title="Sharpness-Aware Minimization at Scale", kind="post").arxiv_id == ""
    assert Entry.objects.filter(doi="10.5555/jrml.2026.123").count() == 1


def test_it_updates_a_paper_from_v1_to_v2_in_place(feed_server):
    feed_server.state.arxiv_pages = {0: "arxiv_page1.xml"}
    source = Source.objects.create(name="api", url=feed_server.url("api/query"), kind="arxiv", arxiv_query="x")
    ingest_source(source, arxiv_interval=0)
    paper = Entry.objects.get(arxiv_id="2610.01001")
    paper.triage = Entry.Triage.SHORTLISTED
    paper.save(update_fields=["triage"])

    feed_server.state.arxiv_pages = {0: "arxiv_v2.xml"}
    result = ingest_source(source, arxiv_interval=0)
    assert (result.new, result.updated) == (0, 1)
    paper.refresh_from_db()
    assert paper.arxiv_version == 2
    assert paper.title == "Denoising Diffusion with Learned Adaptive Noise Schedules"
    assert paper.abstract.startswith("Revised:")
    assert paper.pdf_url.endswith("v2")
    assert paper.triage == Entry.Triage.SHORTLISTED  # the editor's work survives the update
    assert Entry.objects.filter(arxiv_id="2610.01001").count() == 1


def test_it_never_lets_an_old_version_overwrite_a_newer_one(feed_server, make_source):
    feed_server.state.arxiv_pages = {0: "arxiv_v2.xml"}
    api = Source.objects.create(name="api", url=feed_server.url("api/query"), kind="arxiv", arxiv_query="x")
    ingest_source(api, arxiv_interval=0)
    ingest_source(make_source("arxiv_listing.rss", kind="arxiv"))  # carries v1
    paper = Entry.objects.get(arxiv_id="2610.01001")
    assert paper.arxiv_version == 2 and paper.title.startswith("Denoising Diffusion with Learned")


def test_it_sends_entries_created_after_commit(make_source, django_capture_on_commit_callbacks):
    received: list[list[int]] = []

    def receiver(sender, entry_ids, **kwargs):
        received.append(entry_ids)

    entries_created.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = ingest_source(make_source("atom.xml"))
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        entries_created.disconnect(receiver)
    assert received == [result.new_entry_ids]
    assert sorted(result.new_entry_ids) == sorted(Entry.objects.values_list("pk", flat=True))


def test_it_records_a_run_per_source(make_source):
    source = make_source("rss091.xml")
    ingest_source(source, trigger="command")
    run = IngestRun.objects.get(source=source)
    assert (run.trigger, run.new, run.failed, run.http_status) == ("command", 2, 0, 200)
    assert run.finished_at >= run.started_at


def test_it_moves_the_source_after_a_permanent_redirect(make_source, feed_server):
    source = make_source("moved/atom.xml")
    ingest_source(source)
    source.refresh_from_db()
    assert source.url == feed_server.url("atom.xml")


def test_it_keeps_the_source_url_after_a_temporary_redirect(make_source):
    source = make_source("redirect/2")
    result = ingest_source(source)
    source.refresh_from_db()
    assert result.new == 3 and source.url.endswith("/redirect/2")


def test_it_ingests_many_sources_concurrently_and_stores_each(make_source, settings):
    settings.FEEDS_PARSE_PROCESSES = 2
    names = ["rss20.xml", "rss091.xml", "rss10.rdf", "atom.xml", "blog_a.xml", "blog_b.xml", "wrong_encoding.xml"]
    sources = [make_source(n, fetch_full_text=False) for n in names]
    sources += [make_source(f"moved/{n}", name=f"moved {n}", fetch_full_text=False) for n in names[:3]]
    results = ingest_many(sources, max_workers=8)
    assert len(results) == 10 and not any(r.failed for r in results)
    assert sum(r.new for r in results) == Entry.objects.count() == 13  # blog_a and rss10 share a DOI
    assert IngestRun.objects.count() == 10
