"""The staff roles (Contributor, Editor, Publisher), gathered from the `roles.py` each app declares.

Each app knows which of its permissions a role needs; this module only collects those lists and
brings the groups in line with them. Migrations keep frozen copies of the grants they applied, so a
later change here never rewrites history; `manage.py sync_roles` applies the current declarations.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils.module_loading import module_has_submodule

ROLES = ("Contributor", "Editor", "Publisher")


def declared_grants() -> dict[str, dict[str, list[str]]]:
    """{app label: {role: [codename, ...]}} for every installed app that has a roles.py."""
    grants = {}
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "roles"):
            grants[app_config.label] = import_module(f"{app_config.name}.roles").GRANTS
    return grants


def sync_roles() -> list[str]:
    """Create missing groups and add missing grants (members and extra permissions are kept).

    Returns one line per change, so the command can say what it repaired.
    """
    changes = []
    groups = {}
    for role in ROLES:
        groups[role], created = Group.objects.get_or_create(name=role)
        if created:
            changes.append(f"created group {role}")
    for app_label, grants in declared_grants().items():
        # Permissions appear after migrate (post_migrate); a flushed test database may lack them.
        create_permissions(apps.get_app_config(app_label), verbosity=0)
        for role, codenames in grants.items():
            wanted = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            missing = wanted.exclude(group=groups[role])
            for permission in missing:
                changes.append(f"{role}: granted {app_label}.{permission.codename}")
            groups[role].permissions.add(*missing)
    return changes
