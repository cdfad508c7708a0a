"""Publishers also see what email providers reported (bounces, complaints): view only."""

from importlib import import_module

from django.db import migrations

grant_to_publisher = import_module("curator.mailing.migrations.0004_publisher_mailing_permissions").grant_to_publisher


def grant(apps, schema_editor):
    grant_to_publisher(apps, [("providerevent", ["view"])])


class Migration(migrations.Migration):
    dependencies = [("mailing", "0005_provider_event")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
