from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "curator.editions"
    label = "editions"
    verbose_name = "Editions"
