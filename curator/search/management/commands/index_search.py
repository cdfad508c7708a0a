"""`manage.py index_search [--changed]`: rebuild the search index, or catch up with what changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from curator.search import documents


class Command(BaseCommand):
    help = "Index every entry, pick and issue for search (with --changed: only new or edited entries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--changed", action="store_true", help="only entries new or edited since indexed")

    def handle(self, *args: Any, **options: Any) -> None:
        written = documents.rebuild(changed_only=options["changed"])
        self.stdout.write(", ".join(f"{count} {kind} documents written" for kind, count in written.items()))
