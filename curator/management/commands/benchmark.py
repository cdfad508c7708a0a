"""`manage.py benchmark {ingest,summarize,send} [--json]`: measured against a naive baseline in one run."""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# Each module exposes add_arguments(parser) and run(**options) -> dict of figures.
SUITES = {
    "ingest": "curator.feeds.benchmark",
    "parse": "curator.feeds.parse_benchmark",
    "summarize": "summarizer.benchmark",
    "send": "curator.mailing.benchmark",
    "import": "curator.mailing.import_benchmark",
    "signup": "curator.mailing.signup_benchmark",
    "triage": "curator.editions.benchmark",
    "linkcheck": "curator.team.linkcheck_benchmark",
    "rank": "curator.ranking.benchmark",
    "new-topic": "curator.ranking.new_topic_benchmark",
    "model-memory": "summarizer.memory_benchmark",
    "suggest": "curator.team.suggest_benchmark",
    "search": "curator.search.benchmark",
}


class Command(BaseCommand):
    help = "Run a benchmark and print its figures; with --json the last line is one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="suite", required=True)
        for name, module_path in SUITES.items():
            p = sub.add_parser(name)
            p.add_argument("--json", action="store_true", help="print the figures as one JSON object last")
            importlib.import_module(module_path).add_arguments(p)

    def handle(self, *args: Any, **options: Any) -> None:
        module = importlib.import_module(SUITES[options["suite"]])
        figures = module.run(stdout=self.stdout, **options)
        if options["json"]:
            self.stdout.write(json.dumps(figures, sort_keys=True))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:>24}: {value}")
