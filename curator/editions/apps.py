from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "curator.editions"
    label = "editions"
    verbose_name = "Editions"

    def ready(self) -> None:
        from curator.editions import signals  # noqa: F401  (connects the receivers)
