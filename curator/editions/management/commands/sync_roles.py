"""Re-create the Editor and Publisher groups and their permissions, keeping their members.

The migration that first created them is the single definition of the roles; this command runs
the same function again, for a database where someone deleted a group or stripped a permission.
"""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

ROLES_MIGRATION = "curator.editions.migrations.0003_editorial_groups"


class Command(BaseCommand):
    help = "Create or repair the Editor and Publisher groups (members are kept)."

    def handle(self, *args: object, **options: object) -> None:
        import_module(ROLES_MIGRATION).create_groups(apps, None)
        self.stdout.write("Editor and Publisher groups are up to date.")
