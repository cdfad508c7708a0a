from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "curator.ranking"
    label = "ranking"
    verbose_name = "Ranking"

    def ready(self) -> None:
        from curator.feeds.signals import entries_created
        from curator.ranking.receivers import on_entries_created

        entries_created.connect(on_entries_created, dispatch_uid="ranking.embed_new_entries")
