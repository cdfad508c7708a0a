"""Stories: entries about the same paper or news item, joined by the identifiers they name or by
near-identical text, so editors can clear them at once and never pick the same thing twice."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from curator.feeds import identifiers
from curator.feeds.models import Entry
from curator.ranking import dataset, vectors
from curator.ranking.models import Story, StoryMembership


def named_identifiers(*texts: str) -> set[str]:
    """Every arXiv id ("arxiv:2101.01234") and DOI ("doi:10.1/x") written anywhere in the texts."""
    found: set[str] = set()
    for text in texts:
        # The feeds patterns, applied to every occurrence rather than the first.
        for match in identifiers._ARXIV_IN_TEXT.finditer(text or ""):
            found.add("arxiv:" + identifiers.normalize_arxiv_id(match.group(0)))
        for match in identifiers._DOI.finditer(text or ""):
            found.add("doi:" + identifiers.normalize_doi(match.group(0)))
    return found


def _own_identifiers(entry: Entry) -> set[str]:
    own = set()
    if entry.arxiv_id:
        own.add(f"arxiv:{entry.arxiv_id}")
    if entry.doi:
        own.add(f"doi:{entry.doi.lower()}")
    return own


class _Union:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def _citation_links(entries: list[Entry], union: _Union) -> None:
    """A post naming a paper's arXiv id or DOI joins that paper (and any other post naming it)."""
    by_identifier: dict[str, list[tuple[int, str]]] = {}
    wanted: set[str] = set()
    for entry in entries:
        for ident in _own_identifiers(entry):
            by_identifier.setdefault(ident, []).append((entry.pk, "cites"))
        for ident in named_identifiers(entry.url, entry.abstract, entry.full_text, entry.content_html):
            by_identifier.setdefault(ident, []).append((entry.pk, "cites"))
            wanted.add(ident)
    arxiv_ids = [i.removeprefix("arxiv:") for i in wanted if i.startswith("arxiv:")]
    dois = [i.removeprefix("doi:") for i in wanted if i.startswith("doi:")]
    papers = Entry.objects.filter(Q(arxiv_id__in=arxiv_ids) | Q(doi__in=dois)).values_list("pk", "arxiv_id", "doi")
    for pk, arxiv_id, doi in papers:
        for ident in (f"arxiv:{arxiv_id}" if arxiv_id else "", f"doi:{doi.lower()}" if doi else ""):
            if ident in by_identifier:
                by_identifier[ident].append((pk, "cites"))
    # And the other way round: older posts that name a paper arriving now.
    for entry in entries:
        for ident in _own_identifiers(entry):
            needle = ident.split(":", 1)[1]
            text_match = Q(abstract__icontains=needle) | Q(full_text__icontains=needle) | Q(url__icontains=needle)
            for pk in Entry.objects.filter(text_match).exclude(pk=entry.pk).values_list("pk", flat=True):
                by_identifier[ident].append((pk, "cites"))
    for members in by_identifier.values():
        for pk, _ in members[1:]:
            union.join(members[0][0], pk)


def _duplicate_links(entries: list[Entry], union: _Union) -> None:
    """Entries whose embeddings are near-identical and published within the window of each other."""
    window = datetime.timedelta(days=settings.RANKING_DUPLICATE_WINDOW_DAYS)
    dated = [e.published_at or e.created_at for e in entries]
    if not dated:
        return
    neighbours = Entry.objects.filter(
        Q(published_at__range=(min(dated) - window, max(dated) + window))
        | Q(published_at__isnull=True, created_at__range=(min(dated) - window, max(dated) + window))
    )
    mine = dataset.embedded(Entry.objects.filter(pk__in=[e.pk for e in entries]))
    pool = dataset.embedded(neighbours)
    if not len(mine) or not len(pool):
        return
    when = dict(neighbours.values_list("pk", "published_at"))
    when.update({e.pk: e.published_at or e.created_at for e in entries})
    similarity = vectors.cosine(mine.matrix, pool.matrix)
    for i, j in zip(*np.nonzero(similarity >= settings.RANKING_DUPLICATE_SIMILARITY), strict=True):
        a, b = mine.ids[i], pool.ids[j]
        if a != b and (at := when.get(a)) and (bt := when.get(b)) and abs(at - bt) <= window:
            union.join(a, b)


@transaction.atomic
def assign_stories(entry_ids: Iterable[int]) -> int:
    """Join the given entries to the stories they belong to (merging stories they bridge); returns joins made.

    Safe to run again: memberships are upserted and an unchanged grouping writes nothing new.
    """
    entries = list(Entry.objects.filter(pk__in=list(entry_ids)))
    citing, near = _Union(), _Union()
    _citation_links(entries, citing)
    _duplicate_links(entries, near)
    union = _Union()
    cited: set[int] = set()
    for source, mark in ((citing, True), (near, False)):
        for pk in list(source.parent):
            root = source.find(pk)
            if root != pk:
                union.join(pk, root)
                if mark:
                    cited.update((pk, root))
    groups: dict[int, set[int]] = {}
    for pk in list(union.parent):
        groups.setdefault(union.find(pk), set()).add(pk)
    joined = 0
    for members in groups.values():
        if len(members) > 1:
            joined += _merge(members, cited)
    return joined


def _merge(members: set[int], cited: set[int]) -> int:
    """Put `members` (and everyone already in their stories) into one story: the oldest one they have."""
    existing = StoryMembership.objects.select_for_update().filter(entry_id__in=members)
    story_ids = sorted(set(existing.values_list("story_id", flat=True)))
    story = Story.objects.get(pk=story_ids[0]) if story_ids else Story.objects.create()
    if story_ids[1:]:
        StoryMembership.objects.filter(story_id__in=story_ids[1:]).update(story=story)
        Story.objects.filter(pk__in=story_ids[1:]).delete()
    have = set(StoryMembership.objects.filter(entry_id__in=members).values_list("entry_id", flat=True))
    StoryMembership.objects.bulk_create(
        StoryMembership(
            entry_id=pk,
            story=story,
            reason=StoryMembership.Reason.CITES if pk in cited else StoryMembership.Reason.NEAR_DUPLICATE,
        )
        for pk in sorted(members - have)
    )
    StoryMembership.objects.filter(entry_id__in=have).update(story=story)
    return len(members - have)


def related(entry_id: int) -> list[int]:
    """The other entries of the entry's story, oldest first; [] when it stands alone."""
    story = StoryMembership.objects.filter(entry_id=entry_id).values("story_id")
    return list(
        StoryMembership.objects.filter(story_id__in=story)
        .exclude(entry_id=entry_id)
        .order_by("entry_id")
        .values_list("entry_id", flat=True)
    )


def with_stories(entries: QuerySet[Entry]) -> QuerySet[Entry]:
    """The entries plus every other entry in their stories: what "the whole story" means for an action."""
    stories = StoryMembership.objects.filter(entry__in=entries).values("story_id")
    return Entry.objects.filter(Q(pk__in=entries.values("pk")) | Q(story_link__story_id__in=stories))


def shared_stories(entry_ids: Iterable[int]) -> list[list[int]]:
    """Groups (two or more) of the given entries that belong to the same story."""
    groups: dict[int, list[int]] = {}
    for entry_id, story_id in StoryMembership.objects.filter(entry_id__in=list(entry_ids)).values_list(
        "entry_id", "story_id"
    ):
        groups.setdefault(story_id, []).append(entry_id)
    return [sorted(ids) for ids in groups.values() if len(ids) > 1]
