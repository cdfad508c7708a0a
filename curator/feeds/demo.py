"""Bundled demo sources, ingested offline from files shipped in demo_data/ through the normal parse+store path.

The sources point at the reserved host `demo.curator.invalid` (local_feeds.py), so with
FEEDS_LOCAL_DIR set to demo_data/ (as `make run` does) `manage.py ingest --all` fetches them through
the real fetcher without any network. One source is left unloaded: its first fetch brings new entries.
"""

from __future__ import annotations

from pathlib import Path

from curator.feeds import arxiv
from curator.feeds.ingest import Fetched, SourcePlan, known_guids, store
from curator.feeds.local_feeds import local_url
from curator.feeds.models import Source
from curator.feeds.parse import parse_feed

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"

# (file, Source fields, loaded by load_demo). The arXiv source keeps its query; its URL is the base
# the query parameters are added to, and the local transport answers it with the bundled page.
DEMO_SOURCES = [
    (
        "arxiv_ml.xml",
        {
            "name": "arXiv: machine learning and language",
            "url": local_url("arxiv_ml.xml"),
            "kind": Source.Kind.ARXIV,
            "arxiv_query": "cat:cs.LG OR cat:cs.CL",
            "section_hint": "Research updates",
        },
        True,
    ),
    (
        "gradient_notes.xml",
        {
            "name": "Gradient Notes (demo blog)",
            "url": local_url("gradient_notes.xml"),
            "kind": Source.Kind.RSS,
            "section_hint": "Recommended reading",
        },
        True,
    ),
    (
        "sparse_thoughts.xml",
        {
            "name": "Sparse Thoughts (demo blog)",
            "url": local_url("sparse_thoughts.xml"),
            "kind": Source.Kind.ATOM,
            "section_hint": "Feature",
        },
        True,
    ),
    (
        "attention_span.xml",
        {
            "name": "Attention Span (demo blog)",
            "url": local_url("attention_span.xml"),
            "kind": Source.Kind.RSS,
            "section_hint": "Recommended reading",
        },
        False,
    ),
]

# Where earlier demos pointed these sources; a database loaded by them is moved to the local host.
OLD_URLS = {
    "arXiv: machine learning and language": arxiv.API_URL,
    "Gradient Notes (demo blog)": "https://gradient-notes.example/feed.xml",
    "Sparse Thoughts (demo blog)": "https://sparse-thoughts.example/atom.xml",
}


def load_demo_feeds() -> int:
    """Create the demo sources and store their bundled entries; returns how many entries were new.

    Safe to run again: sources are matched by name and re-storing the same files changes nothing.
    """
    created = 0
    for filename, fields, preload in DEMO_SOURCES:
        name = fields["name"]
        Source.objects.filter(name=name, url=OLD_URLS.get(name, "")).update(url=fields["url"], active=True)
        source, _ = Source.objects.get_or_create(name=name, defaults=fields)
        if not preload:
            continue
        feed = parse_feed((DEMO_DATA / filename).read_bytes(), fields["url"])
        plan = SourcePlan.for_source(source, known_guids([source])[source.pk])
        result = store(source, Fetched(plan=plan, feed=feed, http_status=200), trigger="demo")
        created += result.new
    return created
