"""Bundled demo sources, ingested offline from files shipped in demo_data/ through the normal parse+store path."""

from __future__ import annotations

from pathlib import Path

from curator.feeds import arxiv
from curator.feeds.ingest import Fetched, SourcePlan, known_guids, store
from curator.feeds.models import Source
from curator.feeds.parse import parse_feed

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"

# (file, Source fields). The blog hosts are fictional, so those sources are inactive: a scheduled run
# would only record failures. The arXiv query is real and active.
DEMO_SOURCES = [
    (
        "arxiv_ml.xml",
        {
            "name": "arXiv: machine learning and language",
            "url": arxiv.API_URL,
            "kind": Source.Kind.ARXIV,
            "arxiv_query": "cat:cs.LG OR cat:cs.CL",
            "section_hint": "Research updates",
            "active": True,
        },
    ),
    (
        "gradient_notes.xml",
        {
            "name": "Gradient Notes (demo blog)",
            "url": "https://gradient-notes.example/feed.xml",
            "kind": Source.Kind.RSS,
            "section_hint": "Recommended reading",
            "active": False,
        },
    ),
    (
        "sparse_thoughts.xml",
        {
            "name": "Sparse Thoughts (demo blog)",
            "url": "https://sparse-thoughts.example/atom.xml",
            "kind": Source.Kind.ATOM,
            "section_hint": "Feature",
            "active": False,
        },
    ),
]


def load_demo_feeds() -> int:
    """Create the demo sources and store their bundled entries; returns how many entries were new.

    Safe to run again: sources are matched by name and re-storing the same files changes nothing.
    """
    created = 0
    for filename, fields in DEMO_SOURCES:
        source, _ = Source.objects.get_or_create(name=fields["name"], defaults=fields)
        path = DEMO_DATA / filename
        feed = parse_feed(path.read_bytes(), fields["url"])
        plan = SourcePlan.for_source(source, known_guids([source])[source.pk])
        result = store(source, Fetched(plan=plan, feed=feed, http_status=200), trigger="demo")
        created += result.new
    return created
