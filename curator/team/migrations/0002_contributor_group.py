"""Create the Contributor group and give all three roles the team's permissions.

A frozen copy of the grants as they were then; the current ones live in each app's roles.py and
`manage.py sync_roles` applies them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTRIBUTOR = [
    ("feeds", ["view_entry", "view_source"]),
    ("editions", ["view_issue", "view_section", "view_pick"]),
    ("summarizer", ["add_draft", "view_draft"]),
    (
        "team",
        ["add_suggestion", "view_suggestion", "add_vote", "view_vote", "view_assignment", "claim_pick", "view_member"],
    ),
]
EDITOR_EXTRA = [
    ("team", ["add_suggestion", "view_suggestion", "add_vote", "view_vote", "view_assignment", "claim_pick"]),
    ("team", ["view_member", "approve_blurb", "change_assignment"]),
]


def ensure_permissions(apps):
    for label in ("feeds", "editions", "summarizer", "team"):
        app_config = apps.get_app_config(label)
        saved = getattr(app_config, "models_module", None)
        app_config.models_module = saved or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = saved


def create_group(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(grants):
        return [
            Permission.objects.get(content_type__app_label=label, codename=codename)
            for label, codenames in grants
            for codename in codenames
        ]

    contributor, _ = Group.objects.get_or_create(name="Contributor")
    contributor.permissions.add(*perms(CONTRIBUTOR))
    for name in ("Editor", "Publisher"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms(EDITOR_EXTRA))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Contributor").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("team", "0001_initial"),
        ("editions", "0005_plain_labels"),
        ("feeds", "0004_plain_labels"),
        ("summarizer", "0005_feedback"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
