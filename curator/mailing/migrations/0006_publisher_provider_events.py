"""Publishers also see what email providers reported (bounces, complaints): view only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("mailing")
    # Historical app configs have no models module, and create_permissions skips those.
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    publisher, _ = Group.objects.get_or_create(name="Publisher")
    publisher.permissions.add(
        *Permission.objects.filter(content_type__app_label="mailing", codename="view_providerevent")
    )


class Migration(migrations.Migration):
    dependencies = [("mailing", "0005_provider_event")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
