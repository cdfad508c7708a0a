"""`manage.py rank [--json] [--all]`: embed what is missing, refit the team's model, rescore new entries."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from curator.feeds.models import Entry
from curator.lib.plural import counted
from curator.ranking import embed
from curator.ranking.embed import EmbedderUnavailable
from curator.ranking.pipeline import rank_all


class Command(BaseCommand):
    help = "Embed entries without a vector, refit the relevance model, rescore new entries and print figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
        parser.add_argument("--all", action="store_true", help="also re-embed entries whose text changed")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar (logs, CI)")

    def handle(self, *args: Any, **options: Any) -> None:
        total = Entry.objects.count() if options["all"] else len(embed.missing_ids())
        bar = tqdm(total=total, unit="entry", disable=options["no_progress"] or options["json"], file=self.stderr._out)
        try:
            report = rank_all(progress=bar.update, embed_all=options["all"])
        except EmbedderUnavailable as exc:
            raise CommandError(f"cannot load the MiniLM embedder: {exc}") from None
        finally:
            bar.close()
        figures = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(figures, sort_keys=True))
            return
        auc = "n/a (needs 2 picks and 2 rejections)" if figures["cv_auc"] is None else f"{figures['cv_auc']:.3f}"
        self.stdout.write(
            f"embedded {figures['embedded']}, story joins {figures['story_joins']}, scored {figures['scored']}, "
            f"{figures['seconds']:.1f} seconds\n"
            f"model: {report.model.get_kind_display()} on {counted(figures['positives'], 'pick', 'picks')} and "
            f"{counted(figures['negatives'], 'rejection', 'rejections')}; cross-validated AUC {auc}"
            + (f"\nnote: {figures['note']}" if figures["note"] else "")
        )
