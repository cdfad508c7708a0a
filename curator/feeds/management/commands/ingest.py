"""`manage.py ingest [--all | --source ID ...] [--force]`: fetch sources now, in this process, with progress.

Exits with status 1, naming each failed source and its error on stderr, when any source failed.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from curator.feeds.ingest import IngestResult, due_sources, ingest_many
from curator.feeds.models import Source
from curator.lib.plural import counted


class Command(BaseCommand):
    help = "Fetch and store feed sources now (concurrently), printing one line per source and a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all", action="store_true", help="every active source that is not backing off")
        which.add_argument("--source", type=int, nargs="+", metavar="ID", help="these sources, even if inactive")
        parser.add_argument("--force", action="store_true", help="with --all: ignore backoff")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["source"]:
            sources = list(Source.objects.filter(pk__in=options["source"]))
            missing = set(options["source"]) - {s.pk for s in sources}
            if missing:
                raise CommandError(f"no source with id {', '.join(map(str, sorted(missing)))}")
        elif options["force"]:
            sources = list(Source.objects.filter(active=True))
        else:
            sources = list(due_sources())
        if not sources:
            self.stdout.write("Nothing to fetch: no active source is due.")
            return
        total = len(sources)
        done = 0
        started = time.monotonic()

        def progress(source: Source, result: IngestResult) -> None:
            nonlocal done
            done += 1
            self.stdout.write(f"[{done}/{total}] {source.name}: {describe(result)}")

        results = ingest_many(sources, trigger="command", on_result=progress)
        failed = sum(r.failed for r in results)
        summary = (
            f"{counted(total, 'source', 'sources')} in {time.monotonic() - started:.1f}s: "
            f"{sum(r.new for r in results)} new, {sum(r.updated for r in results)} updated, "
            f"{sum(r.unchanged for r in results)} unchanged, {sum(r.not_modified for r in results)} not modified, "
            f"{failed} failed"
        )
        self.stdout.write(self.style.ERROR(summary) if failed else self.style.SUCCESS(summary))
        if failed:
            # A non-zero exit is what cron, CI and shell scripts notice; the other sources are stored already.
            names = {s.pk: s.name for s in sources}
            for result in results:
                if result.failed:
                    self.stderr.write(f"{names[result.source_id]} (id {result.source_id}): {result.error}")
            raise CommandError(f"{failed} of {total} sources failed")


def describe(result: IngestResult) -> str:
    if result.failed:
        return f"FAILED: {result.error}"
    if result.not_modified:
        return "not modified"
    text = f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged"
    if result.warnings:
        text += f" ({counted(len(result.warnings), 'warning', 'warnings')}: {result.warnings[0]})"
    return text
