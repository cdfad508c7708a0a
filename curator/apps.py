from django.apps import AppConfig


class CuratorConfig(AppConfig):
    """Project-wide management commands (benchmark, demo data) live here."""

    name = "curator"
    verbose_name = "Curator"
