"""Bundled demo feeds: stored offline through the normal parse+store path, idempotently."""

from __future__ import annotations

import socket

import pytest

from curator.feeds.demo import load_demo_feeds
from curator.feeds.models import Entry, Source

pytestmark = pytest.mark.django_db


def test_it_loads_the_demo_feeds_without_touching_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the demo must not open connections")

    monkeypatch.setattr(socket, "create_connection", no_network)
    created = load_demo_feeds()
    assert created == Entry.objects.count() == 14
    assert Source.objects.count() == 4  # one is left for the first `ingest --all`
    assert Entry.objects.filter(kind=Entry.Kind.PAPER).count() == 8
    paper = Entry.objects.get(arxiv_id="2610.10877")
    assert paper.doi == "10.48550/arxiv.2610.10877" and paper.pdf_url.startswith("https://arxiv.org/pdf/")
    assert all(e.content_html or e.abstract for e in Entry.objects.all())
    assert set(Source.objects.exclude(name="Attention Span (demo blog)").values_list("last_status", flat=True)) == {
        Source.Status.OK
    }


def test_it_changes_nothing_when_loaded_twice():
    load_demo_feeds()
    before = list(Entry.objects.order_by("pk").values_list("pk", "fingerprint"))
    assert load_demo_feeds() == 0
    assert list(Entry.objects.order_by("pk").values_list("pk", "fingerprint")) == before
