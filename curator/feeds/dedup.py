"""Deduplication and merging: which stored Entry an incoming item is, and what a newer copy may change.

The same paper or post reaches us through several sources and several links. An item collapses onto
an existing entry by arXiv id (any version), DOI or canonical URL; a newer arXiv version replaces the
content, another source's copy only fills blanks, and triage, drafts and the first-seen source are
never touched. ingest.py calls `store_entries` inside its store transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from curator.feeds.canonical import canonical_url
from curator.feeds.models import Entry, Sighting, Source
from curator.feeds.parse import ParsedEntry


@dataclass
class FeedItems:
    """One source's parsed items, with the full texts fetched for some of them (by guid)."""

    entries: list[ParsedEntry]
    full_texts: dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_entry_ids: list[int] = field(default_factory=list)


def fingerprint(entry: ParsedEntry) -> str:
    basis = "\x1f".join(
        [entry.title, entry.link, entry.summary, entry.content_html, "|".join(entry.authors), str(entry.arxiv_version)]
    )
    return hashlib.sha256(basis.encode()).hexdigest()


def entry_fields(parsed: ParsedEntry, full_text: str | None) -> dict:
    url = parsed.link if len(parsed.link) <= 2000 else ""
    fields = {
        "url": url,
        "canonical_url": canonical_url(url),
        "title": parsed.title[:1000],
        "authors": parsed.authors,
        "kind": Entry.Kind.PAPER if parsed.kind == "paper" else Entry.Kind.POST,
        "arxiv_id": parsed.arxiv_id[:50],
        "arxiv_version": min(parsed.arxiv_version, 32767),
        "doi": parsed.doi[:200],
        "pdf_url": parsed.pdf_url if len(parsed.pdf_url) <= 2000 else "",
        "categories": parsed.categories,
        "tags": parsed.tags,
        "abstract": parsed.summary,
        "content_html": parsed.content_html,
        "announce_type": parsed.announce_type,
        "fingerprint": fingerprint(parsed),
    }
    if parsed.published:
        fields["published_at"] = parsed.published
    # The article page fetched for a teaser, else the body the feed itself carried (content:encoded).
    full_text = full_text or parsed.body_text
    if full_text:
        fields["full_text"] = full_text
    return fields


class Index:
    """Existing entries that an unseen item could be a duplicate of, looked up in one query."""

    def __init__(self, items: list[ParsedEntry]) -> None:
        arxiv_ids = {e.arxiv_id for e in items if e.arxiv_id}
        dois = {e.doi for e in items if e.doi}
        canons = {c for c in (canonical_url(e.link) for e in items) if c}
        self.by_arxiv: dict[str, Entry] = {}
        self.by_doi: dict[str, Entry] = {}
        self.by_canon: dict[str, Entry] = {}
        query = Q(arxiv_id__in=arxiv_ids) | Q(doi__in=dois) | Q(canonical_url__in=canons)
        if arxiv_ids or dois or canons:
            for entry in Entry.objects.filter(query).order_by("id"):
                self.add(entry)

    def add(self, entry: Entry) -> None:
        if entry.arxiv_id:
            self.by_arxiv.setdefault(entry.arxiv_id, entry)
        if entry.doi:
            self.by_doi.setdefault(entry.doi, entry)
        if entry.canonical_url:
            self.by_canon.setdefault(entry.canonical_url, entry)

    def match(self, parsed: ParsedEntry) -> Entry | None:
        return (
            (parsed.arxiv_id and self.by_arxiv.get(parsed.arxiv_id))
            or (parsed.doi and self.by_doi.get(parsed.doi))
            or self._same_link(parsed)
        )

    def _same_link(self, parsed: ParsedEntry) -> Entry | None:
        """The entry with this canonical link, unless one is an arXiv paper and the other is not: a post
        whose link is a paper's abs page is a write-up of the paper, kept as its own entry in the paper's
        story, so neither hides the other's title, authors and text."""
        entry = self.by_canon.get(canonical_url(parsed.link))
        if entry is None or bool(entry.arxiv_id) != bool(parsed.arxiv_id):
            return None
        return entry


def store_entries(batch: list[tuple[Source, FeedItems]], now: datetime) -> dict[int, Tally]:
    """Create or merge every item of `batch`; what happened, counted per source id.

    An item already sighted in its source updates its entry; an unseen item that matches an
    existing entry (arXiv id, DOI, canonical URL) becomes a sighting of it; anything else is new.
    """
    items = {
        source.pk: list({e.guid: e for e in reversed(feed.entries)}.values())[::-1]  # first guid wins
        for source, feed in batch
    }
    tallies = {source.pk: Tally() for source, _ in batch}
    guids = {e.guid for entries in items.values() for e in entries}
    sightings = {
        (s.source_id, s.guid): s
        for s in Sighting.objects.filter(source_id__in=list(items), guid__in=guids).select_related("entry")
    }
    index = Index([e for pk, entries in items.items() for e in entries if (pk, e.guid) not in sightings])
    new_entries: list[Entry] = []
    new_sightings: list[Sighting] = []
    for source, feed in batch:
        result = tallies[source.pk]
        for parsed in items[source.pk]:
            values = entry_fields(parsed, feed.full_texts.get(parsed.guid))
            sighting = sightings.get((source.pk, parsed.guid))
            if sighting is not None:
                if update(sighting.entry, values, same_source=True):
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            entry = index.match(parsed)
            if entry is not None:
                # The same item from another source (or another link in this one): remember the sighting.
                if entry.pk is not None and update(entry, values, same_source=False):
                    result.updated += 1
                else:
                    result.unchanged += 1
            else:
                entry = Entry(source=source, guid=parsed.guid, created_at=now, **values)
                new_entries.append(entry)
                index.add(entry)
                result.new += 1
            new_sightings.append(Sighting(source=source, guid=parsed.guid, entry=entry, first_seen_at=now))
    Entry.objects.bulk_create(new_entries)
    Sighting.objects.bulk_create(new_sightings)
    for entry in new_entries:
        tallies[entry.source_id].new_entry_ids.append(entry.pk)
    return tallies


# Content fields a newer version replaces; triage, drafts and the first-seen source are never touched.
CONTENT_FIELDS = [
    "url",
    "canonical_url",
    "title",
    "authors",
    "abstract",
    "content_html",
    "categories",
    "tags",
    "pdf_url",
    "doi",
    "arxiv_version",
    "announce_type",
    "full_text",
    "fingerprint",
]


def update(entry: Entry, values: dict, same_source: bool) -> bool:
    """Apply newer content. Same source: any change. Other source: a newer arXiv version, else fill blanks."""
    newer_version = values["arxiv_version"] > entry.arxiv_version > 0 or (
        values["arxiv_version"] and not entry.arxiv_version
    )
    changed: list[str] = []
    if (same_source and values["fingerprint"] != entry.fingerprint) or newer_version:
        if entry.arxiv_version and values["arxiv_version"] and values["arxiv_version"] < entry.arxiv_version:
            return False  # an old version arriving late never overwrites a newer one
        for name in CONTENT_FIELDS:
            if values.get(name) not in (None, "", []) and getattr(entry, name) != values[name]:
                setattr(entry, name, values[name])
                changed.append(name)
    else:
        for name in ("arxiv_id", "doi", "pdf_url", "abstract", "content_html"):
            if values.get(name) and not getattr(entry, name):
                setattr(entry, name, values[name])
                changed.append(name)
    if values.get("full_text") and not entry.full_text:
        entry.full_text = values["full_text"]
        changed.append("full_text")
    if not changed:
        return False
    entry.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    return True
