"""Create the Editor and Publisher groups.

A frozen copy of the grants as they were then; the current ones live in each app's roles.py and
`manage.py sync_roles` applies them.

Permissions are normally created after all migrations (post_migrate), so on a fresh database they
do not exist yet when this runs; create_permissions makes them now for the apps we need.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = [
    ("feeds", "entry", ["change", "view"]),
    ("feeds", "source", ["view"]),
    ("editions", "issue", ["add", "change", "delete", "view"]),
    ("editions", "section", ["add", "change", "delete", "view"]),
    ("editions", "pick", ["add", "change", "delete", "view"]),
    ("summarizer", "draft", ["add", "view"]),
    ("summarizer", "decodingprofile", ["view"]),
]
PUBLISHER_EXTRA = [("editions", "send_issue")]


def ensure_permissions(apps):
    for label in ("feeds", "editions", "summarizer"):
        app_config = apps.get_app_config(label)
        # Historical app configs have no models module, and create_permissions skips those.
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = saved or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = saved


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perm(app_label, codename):
        return Permission.objects.get(content_type__app_label=app_label, codename=codename)

    editor_perms = [perm(app_label, f"{action}_{model}") for app_label, model, actions in EDITOR for action in actions]
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.add(*editor_perms)
    publisher, _ = Group.objects.get_or_create(name="Publisher")
    publisher.permissions.add(*editor_perms, *(perm(app_label, codename) for app_label, codename in PUBLISHER_EXTRA))


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Publisher"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("feeds", "0001_initial"),
        ("summarizer", "0001_initial"),
        ("editions", "0002_issue_slug_pick_constraints"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
