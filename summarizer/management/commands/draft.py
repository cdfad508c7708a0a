"""`manage.py draft [--entry ID ... | --pending] [--profile NAME]`: draft blurbs in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from curator.feeds.models import Entry
from curator.lib.minilm import silence_progress_bars
from curator.lib.plural import counted
from summarizer import drafting
from summarizer.models import DecodingProfile


class Command(BaseCommand):
    help = "Draft blurbs for the given entries (or every entry without a draft) and print a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--entry", type=int, nargs="+", metavar="ID", help="entry ids to draft")
        which.add_argument("--pending", action="store_true", help="every entry that has no draft yet")
        parser.add_argument("--profile", metavar="NAME", help="decoding profile name (default: the default profile)")
        parser.add_argument("--batch-size", type=int, default=None, help="entries per generate call")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")

    def handle(self, *args: Any, **options: Any) -> None:
        profile = None
        if options["profile"]:
            profile = DecodingProfile.objects.filter(name=options["profile"]).first()
            if profile is None:
                names = ", ".join(DecodingProfile.objects.values_list("name", flat=True)) or "none"
                raise CommandError(f"no decoding profile named {options['profile']!r} (profiles: {names})")
        if options["pending"]:
            ids = drafting.pending_entry_ids()
        else:
            ids = sorted(set(options["entry"]))
            missing = sorted(set(ids) - set(Entry.objects.filter(pk__in=ids).values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"no entry with id {', '.join(map(str, missing))}")
        if not ids:  # nothing to draft: no model to load, no empty progress bar
            self.stdout.write("No entries are waiting for a draft.")
            return
        silence_progress_bars()
        bar = tqdm(total=len(ids), unit="entry", disable=options["no_progress"], file=self.stderr._out)
        try:
            report = drafting.draft_entries(ids, profile, batch_size=options["batch_size"], progress=bar.update)
        finally:
            bar.close()
        if report.fallback:  # the model's state matters only when drafts fell back because of it
            drafts = counted(report.fallback, "draft", "drafts")
            self.stderr.write(f"{drafts} used the offline fallback: {report.fallback_reason}")
        if report.demoted:
            entries = counted(report.demoted, "entry", "entries")
            self.stderr.write(f"{entries}: every model draft invented or echoed something; an extract is shown first")
        for entry_id, error in report.errors.items():
            self.stderr.write(f"entry {entry_id} failed: {error}")
        self.stdout.write(
            f"drafted {report.drafted}, fallback {report.fallback}, failed {report.failed}, "
            f"{report.seconds:.1f} seconds"
        )
        if report.failed:
            raise CommandError(f"{counted(report.failed, 'entry', 'entries')} failed")
