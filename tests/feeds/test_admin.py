"""Admin for sources, entries and runs: what editors see, what the actions do, and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from curator.feeds.ingest import ingest_source
from curator.feeds.models import Entry, IngestRun, Source
from tests.support.forms import add_source

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_loopback")]


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_lists_sources_with_status_failures_error_and_entry_count(admin_client, make_source):
    ok = make_source("atom.xml", name="Sparse Thoughts")
    ingest_source(ok)
    broken = make_source("status/500", name="Broken Blog")
    ingest_source(broken)
    body = admin_client.get("/admin/feeds/source/").content.decode()
    assert '<span style="color:#1a7f37;font-weight:bold">ok</span>' in body
    assert '<span style="color:#cf222e;font-weight:bold">error</span>' in body
    assert "HTTP 500 from" in body
    assert '<td class="field-entry_count">2</td>' in body
    assert '<td class="field-consecutive_failures">1</td>' in body


def test_it_lists_sources_in_a_constant_number_of_queries(admin_client, make_source):
    ingest_source(make_source("atom.xml"))
    few = count_queries(admin_client, "/admin/feeds/source/")
    for name in ("rss20.xml", "rss091.xml", "rss10.rdf"):
        ingest_source(make_source(name, fetch_full_text=False))
    assert count_queries(admin_client, "/admin/feeds/source/") == few


def test_it_lists_entries_in_a_constant_number_of_queries(admin_client, make_source):
    ingest_source(make_source("atom.xml"))
    few = count_queries(admin_client, "/admin/feeds/entry/")
    for name in ("rss20.xml", "rss091.xml", "rss10.rdf"):
        ingest_source(make_source(name, fetch_full_text=False))
    assert Entry.objects.count() == 9
    assert count_queries(admin_client, "/admin/feeds/entry/") == few


def test_it_filters_and_searches_entries(admin_client, make_source):
    ingest_source(make_source("atom.xml"))
    ingest_source(make_source("rss10.rdf"))
    body = admin_client.get("/admin/feeds/entry/", {"q": "Priya Natarajan"}).content.decode()
    assert "Mixture-of-experts routing" in body and "Benchmark contamination" not in body
    body = admin_client.get("/admin/feeds/entry/", {"kind": "paper"}).content.decode()
    assert "Benchmark contamination" in body and "Mixture-of-experts routing" not in body
    body = admin_client.get("/admin/feeds/entry/", {"q": "leakage into pretraining"}).content.decode()
    assert "Benchmark contamination" in body


def test_it_fetches_now_even_when_backing_off(admin_client, make_source, django_capture_on_commit_callbacks):
    source = make_source("rss091.xml", next_fetch_after=timezone.now() + timedelta(hours=6), fetch_full_text=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [source.pk]}, follow=True
        )
    assert "Queued 1 source for fetching." in response.content.decode()
    assert IngestRun.objects.get(source=source).trigger == "admin"
    assert Entry.objects.filter(source=source).count() == 2


def test_it_refuses_fetch_now_to_an_editor_who_may_only_view_sources(
    client, editor, make_source, django_capture_on_commit_callbacks
):
    source = make_source("rss091.xml", fetch_full_text=False)
    assert editor.has_perm("feeds.view_source") and not editor.has_perm("feeds.change_source")
    client.force_login(editor)
    assert "fetch_now" not in client.get("/admin/feeds/source/").content.decode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [source.pk]})
    assert response.status_code == 200
    assert "Queued" not in response.content.decode()
    assert callbacks == [] and not IngestRun.objects.exists()


def test_it_reports_a_temporary_error_of_fetch_now_in_the_eager_demo_instead_of_a_500(
    admin_client, make_source, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the demo: no broker, tasks run inside the request
    source = make_source("status/503", fetch_full_text=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/feeds/source/", {"action": "fetch_now", "_selected_action": [source.pk]}, follow=True
        )
    assert response.status_code == 200
    assert "Queued 1 source for fetching." in response.content.decode()
    run = IngestRun.objects.get(source=source)  # one attempt, not a burst of immediate retries
    assert run.failed and run.trigger == "admin"
    source.refresh_from_db()
    assert source.last_status == Source.Status.ERROR and source.consecutive_failures == 1


def test_it_discovers_the_feed_when_a_page_url_is_added(admin_client, feed_server):
    response = add_source(admin_client, feed_server.url("page_with_feed.html"))
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(name="Added")
    assert (source.url, source.kind) == (feed_server.url("rss20.xml"), "rss")


def test_it_sets_the_kind_from_the_feed_itself(admin_client, feed_server):
    add_source(admin_client, feed_server.url("atom.xml"))
    assert Source.objects.get(name="Added").kind == "atom"


def test_it_explains_a_page_without_a_feed_and_saves_nothing(admin_client, feed_server):
    response = add_source(admin_client, feed_server.url("page_without_feed.html"))
    assert response.status_code == 200
    assert "neither a feed nor a page that links to one" in response.content.decode()
    assert not Source.objects.exists()


def test_it_accepts_an_arxiv_query_without_discovery(admin_client, feed_server):
    add_source(admin_client, "https://export.arxiv.org/api/query", kind="arxiv", arxiv_query="cat:cs.LG")
    assert Source.objects.get(name="Added").arxiv_query == "cat:cs.LG"
    assert feed_server.requests == []


def test_it_uses_the_arxiv_api_when_a_query_has_no_url(admin_client):
    add_source(admin_client, "", kind="rss", arxiv_query='cat:cs.LG AND abs:"diffusion"')
    source = Source.objects.get(name="Added")
    assert (source.url, source.kind) == ("https://export.arxiv.org/api/query", "arxiv")


def test_it_asks_for_a_url_when_there_is_no_query(admin_client):
    response = add_source(admin_client, "")
    assert "Enter a feed URL or the URL of a page" in response.content.decode()
    assert not Source.objects.exists()


def test_it_lists_runs_with_their_counts(admin_client, make_source):
    ingest_source(make_source("atom.xml", name="Sparse Thoughts"))
    body = admin_client.get("/admin/feeds/ingestrun/").content.decode()
    assert "Sparse Thoughts" in body and '<td class="field-new">2</td>' in body
