"""Choosing an entry's topics, or making a new one by typing its name, from the entry page.

A typed name that matches an existing topic whatever its case reuses it, so "LLMs" and "llms" never
become two pages; a new topic gets a slug from its name, numbered when the slug is taken.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.text import slugify

from curator.feeds.models import Entry
from curator.search.models import Topic

NAME_CHARS = Topic._meta.get_field("name").max_length or 100


class TopicNameError(ValueError):
    """A typed topic name that cannot become a topic; the message is shown to the editor."""


def clean_name(typed: str) -> str:
    """The name as stored: spaces collapsed, at most NAME_CHARS; refuses a blank one."""
    name = " ".join(typed.split())[:NAME_CHARS].strip()
    if not name:
        raise TopicNameError("A topic name cannot be empty or only spaces.")
    return name


def _free_slug(name: str) -> str:
    base = (slugify(name) or "topic")[: NAME_CHARS - 8].strip("-") or "topic"
    slug, n = base, 2
    while Topic.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def topic_named(typed: str) -> Topic:
    """The topic of that name (any case), created when there is none."""
    name = clean_name(typed)
    with transaction.atomic():
        found = Topic.objects.filter(name__iexact=name).first()
        return found or Topic.objects.create(name=name, slug=_free_slug(name))


def set_entry_topics(entry: Entry, topic_ids: Iterable[int], new_name: str = "") -> list[Topic]:
    """Replace the entry's topics with the chosen ones plus the typed one; unknown ids are ignored."""
    with transaction.atomic():
        chosen = list(Topic.objects.filter(pk__in=list(topic_ids)))
        if new_name:
            chosen.append(topic_named(new_name))
        entry.topics.set(chosen)
    return sorted(set(chosen), key=lambda t: t.name)


def add_entry_topics(entry: Entry, topics: Iterable[Topic]) -> int:
    """Add topics without removing any; returns how many were new to the entry."""
    wanted = {t.pk for t in topics}
    had = set(entry.topics.filter(pk__in=wanted).values_list("pk", flat=True))
    entry.topics.add(*(wanted - had))
    return len(wanted - had)
