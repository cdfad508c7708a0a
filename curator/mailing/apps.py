from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "curator.mailing"
    label = "mailing"
    verbose_name = "Mailing"
