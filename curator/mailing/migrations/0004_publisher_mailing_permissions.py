"""Publishers look after the list: subscribers (view, add, change) and delivery rows (view)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISHER = [("subscriber", ["view", "add", "change"]), ("delivery", ["view"])]


def grant(apps, schema_editor):
    grant_to_publisher(apps, PUBLISHER)


def grant_to_publisher(apps, model_actions):
    """Give the Publisher group these mailing permissions ([(model, [action, ...]), ...])."""
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
    codenames = [f"{action}_{model}" for model, actions in model_actions for action in actions]
    publisher.permissions.add(*Permission.objects.filter(content_type__app_label="mailing", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    publisher = Group.objects.filter(name="Publisher").first()
    if publisher:
        publisher.permissions.remove(*Permission.objects.filter(content_type__app_label="mailing"))


class Migration(migrations.Migration):
    dependencies = [
        ("mailing", "0003_resume_sending_schedule"),
        ("editions", "0003_editorial_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
