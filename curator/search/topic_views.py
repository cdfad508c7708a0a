"""Public topic pages `/topics/<slug>/` and their Atom feeds: picks of sent issues carrying the topic."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from curator.editions.content import markdown_to_html
from curator.editions.models import Pick
from curator.feeds.sanitize import plain_line
from curator.search.models import Topic
from curator.search.topics import published_picks

FEED_LENGTH = 50


def topic_page(request: HttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    picks = list(published_picks(topic)[:200])
    return render(request, "search/topic.html", {"topic": topic, "picks": picks, "site_name": settings.SITE_NAME})


class TopicAtomFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def title(self, obj: Topic) -> str:
        return f"{settings.SITE_NAME}: {plain_line(obj.name)}"

    def link(self, obj: Topic) -> str:
        return reverse("search:topic", args=[obj.slug])

    def subtitle(self, obj: Topic) -> str:
        return f"Picks about {plain_line(obj.name)}, across issues."

    def items(self, obj: Topic):
        return published_picks(obj)[:FEED_LENGTH]

    def item_title(self, item: Pick) -> str:
        return plain_line(item.title)

    def item_description(self, item: Pick) -> str:
        # Feed readers render an Atom summary as HTML: the blurb goes through the same Markdown and nh3
        # cleaning as on the issue page, never raw.
        return markdown_to_html(item.blurb)

    def item_link(self, item: Pick) -> str:
        return f"{reverse('editions:issue', args=[item.issue.slug])}#pick-{item.pk}"

    def item_pubdate(self, item: Pick):
        return item.issue.sent_at
