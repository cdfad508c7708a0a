from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "curator.mailing"
    label = "mailing"
    verbose_name = "Mailing"

    def ready(self) -> None:
        from django.conf import settings

        if "anymail" in settings.INSTALLED_APPS:
            from anymail.signals import tracking

            from curator.mailing.provider_events import on_tracking

            tracking.connect(on_tracking, dispatch_uid="curator.mailing.provider_events")
