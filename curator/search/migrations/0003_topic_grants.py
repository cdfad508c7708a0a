"""Let Editors and Publishers tag with topics.

A frozen copy of the grants as they were then; the current ones live in search/roles.py and
`manage.py sync_roles` applies them. Permissions are created here because post_migrate has not run yet.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_topic", "change_topic", "delete_topic", "view_topic"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("search")
    saved = getattr(app_config, "models_module", None)
    app_config.models_module = saved or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = saved
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.filter(content_type__app_label="search", codename__in=CODENAMES))
    for name in ("Editor", "Publisher"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("editions", "0003_editorial_groups"),
        ("search", "0002_topics"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
