from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "curator.feeds"
    label = "feeds"
    verbose_name = "Feeds"
