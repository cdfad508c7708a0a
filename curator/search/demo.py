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
    picks = list(Pick.objects.filter(issue__status=Issue.Status.SENT).select_related("entry"))
    tagged = 0
    for name, slug, words in TOPICS:
        topic, _ = Topic.objects.get_or_create(slug=slug, defaults={"name": name})
        matching = [pick for pick in picks if any(word in pick.entry.title.lower() for word in words)]
        topic.picks.add(*matching)
        topic.entries.add(*(pick.entry for pick in matching))
        tagged += len(matching)
    return tagged
