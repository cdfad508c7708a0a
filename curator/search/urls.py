from django.urls import path

from curator.search import topic_views, views

app_name = "search"

urlpatterns = [
    path("search/", views.search_page, name="search"),
    path("topics/<slug:slug>/", topic_views.topic_page, name="topic"),
    path("topics/<slug:slug>/feed/", topic_views.TopicAtomFeed(), name="topic_feed"),
]
