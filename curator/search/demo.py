"""The demo's topics: the sent issue's picks tagged, so topic pages, feeds and suggestions have something to show."""

from __future__ import annotations

from django.db import transaction

from curator.editions.models import Issue, Pick
from curator.search.models import Topic

# Topic name, slug, and words of a pick's title that put the pick under it.
TOPICS = [
    ("Interpretability", "interpretability", ("superposition", "circuits", "probing", "stores the capital")),
    ("Efficient inference", "efficient-inference", ("quantization", "four-bit", "speculative", "paged attention")),
    ("Training", "training", ("warmup", "curriculum", "routing", "pretraining")),
]


@transaction.atomic
def load_topics_demo() -> int:
    """Tags the sent issues' picks by the words of their titles; idempotent. Returns the picks tagged."""
    sent = Pick.objects.filter(issue__status=Issue.Status.SENT, entry__isnull=False).select_related("entry")
    picks = [(pick, pick.entry) for pick in sent if pick.entry is not None]
    tagged = 0
    for name, slug, words in TOPICS:
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        matching = [(pick, entry) for pick, entry in picks if any(word in entry.title.lower() for word in words)]
        topic.picks.add(*(pick for pick, _ in matching))
        topic.entries.add(*(entry for _, entry in matching))
        tagged += len(matching)
    return tagged
