"""`manage.py benchmark <name> [--json]`: one measured run of a suite from the top-level benchmarks package.

The suites: ingest, parse, summarize, send, import, signup, triage, linkcheck, rank, new-topic,
model-memory, suggest, search (docs/benchmarks.md says what each measures and how to read it).
Most compare the app's path with a naive baseline in the same run.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

# Each module in benchmarks/ exposes add_arguments(parser) and run(**options) -> dict of figures.
SUITES = {
    "ingest": "benchmarks.ingest",
    "parse": "benchmarks.parse",
    "summarize": "benchmarks.summarize",
    "send": "benchmarks.send",
    "import": "benchmarks.subscriber_import",
    "signup": "benchmarks.signup",
    "triage": "benchmarks.triage",
    "linkcheck": "benchmarks.linkcheck",
    "rank": "benchmarks.rank",
    "new-topic": "benchmarks.new_topic",
    "model-memory": "benchmarks.model_memory",
    "suggest": "benchmarks.suggest",
    "search": "benchmarks.search",
}


class Command(BaseCommand):
    help = f"Run one benchmark ({', '.join(SUITES)}) and print its figures; --json ends with one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="suite", required=True)
        for name, module_path in SUITES.items():
            p = sub.add_parser(name)
            p.add_argument("--json", action="store_true", help="print the figures as one JSON object last")
            importlib.import_module(module_path).add_arguments(p)

    def handle(self, *args: Any, **options: Any) -> None:
        module = importlib.import_module(SUITES[options["suite"]])
        # call_command() passes its stdout and stderr among the options; the suite writes to self.stdout.
        suite_options = {k: v for k, v in options.items() if k not in ("stdout", "stderr")}
        figures = module.run(stdout=self.stdout, **suite_options)
        if options["json"]:
            self.stdout.write(json.dumps(figures, sort_keys=True))
        else:
            for key, value in figures.items():
                self.stdout.write(f"{key:>24}: {value}")
