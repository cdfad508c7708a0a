from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "curator.mailing"
    label = "mailing"
    verbose_name = "Mailing"

    def ready(self) -> None:
        from django.conf import settings

        from curator.editions.status_signals import status_changed
        from curator.mailing import checks  # noqa: F401 - registers the deploy check

        status_changed.connect(_on_status_changed, dispatch_uid="curator.mailing.schedule")

        from curator.mailing.scheduler import start_if_demo

        start_if_demo()

        if "anymail" in settings.INSTALLED_APPS:
            from anymail.signals import tracking

            from curator.mailing.provider_events import on_tracking

            tracking.connect(on_tracking, dispatch_uid="curator.mailing.provider_events")


def _on_status_changed(sender: object, issue_id: int, previous: str, current: str, **kwargs: object) -> None:
    from curator.mailing.schedule import cancel_on_status_change

    cancel_on_status_change(issue_id, previous, current)
