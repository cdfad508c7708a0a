from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "curator.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from curator.search import receivers

        receivers.connect()
