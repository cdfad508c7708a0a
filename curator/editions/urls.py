from django.urls import path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition

from curator.editions import views
from curator.editions.syndication import IssueAtomFeed, IssueRssFeed

app_name = "editions"


def cached_feed(feed):
    return cache_control(public=True, max_age=views.ARCHIVE_MAX_AGE)(
        condition(etag_func=views.archive_etag, last_modified_func=views.archive_last_modified)(feed)
    )


urlpatterns = [
    path("", views.archive, name="archive"),
    path("issues/<slug:slug>/", views.issue_detail, name="issue"),
    path("feed/rss/", cached_feed(IssueRssFeed()), name="feed_rss"),
    path("feed/atom/", cached_feed(IssueAtomFeed()), name="feed_atom"),
]
