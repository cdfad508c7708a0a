from django.apps import AppConfig


class SummarizerConfig(AppConfig):
    name = "summarizer"
    label = "summarizer"
    verbose_name = "Summarizer"

    def ready(self) -> None:
        from curator.feeds.signals import entries_created
        from summarizer.receivers import on_entries_created

        entries_created.connect(on_entries_created, dispatch_uid="summarizer.draft_new_entries")
