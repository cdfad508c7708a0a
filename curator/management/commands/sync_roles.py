"""Re-create the Contributor, Editor and Publisher groups and their permissions, keeping their members.

The grants are declared in each app's roles.py (collected by curator.role_groups); this command applies
them to a database where someone deleted a group or stripped a permission.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from curator.role_groups import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create or repair the Contributor, Editor and Publisher groups (members are kept)."

    def handle(self, *args: object, **options: object) -> None:
        for change in sync_roles():
            self.stdout.write(change)
        self.stdout.write(f"{', '.join(ROLES[:-1])} and {ROLES[-1]} groups are up to date.")
