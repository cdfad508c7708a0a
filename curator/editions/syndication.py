"""RSS and Atom feeds of sent issues, each item carrying the full issue."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from curator.editions.content import issue_content
from curator.editions.models import Issue
from curator.editions.naming import display_name
from curator.editions.views import sent_issues
from curator.feeds.sanitize import plain_line

FEED_LENGTH = 20


class IssueRssFeed(Feed):
    link = reverse_lazy("editions:archive")

    def title(self) -> str:
        return settings.SITE_NAME

    def description(self) -> str:
        return f"Every issue of {settings.SITE_NAME}, as it was sent."

    def items(self):
        return sent_issues()[:FEED_LENGTH]

    def item_title(self, item: Issue) -> str:
        # Many readers show an RSS title as HTML after one unescape: markup in a title must not reach them.
        return display_name(plain_line(item.title), item.month)

    def item_description(self, item: Issue) -> str:
        return render_to_string("editions/feed_item.html", {"content": issue_content(item)})

    def item_link(self, item: Issue) -> str:
        return reverse("editions:issue", args=[item.slug])

    def item_pubdate(self, item: Issue) -> datetime.datetime | None:
        return item.sent_at

    def item_updateddate(self, item: Issue) -> datetime.datetime:
        return item.updated_at


class IssueAtomFeed(IssueRssFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
