from django.apps import AppConfig


class CuratorConfig(AppConfig):
    """Project-wide management commands (benchmark, demo data) live here."""

    name = "curator"
    verbose_name = "Curator"

    def ready(self) -> None:
        from django.core import checks

        from curator.proxy_checks import check_trusted_proxies

        checks.register(check_trusted_proxies)
