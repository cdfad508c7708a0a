"""`manage.py clean_arxiv_abstracts`: strip rss.arxiv.org's announcement header from papers stored earlier.

Safe to run any number of times; entries ingested now arrive clean, so it is needed once after upgrading.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from curator.feeds.announcements import clean_stored
from curator.lib.plural import counted


class Command(BaseCommand):
    help = 'Remove "arXiv:... Announce Type: ... Abstract:" from stored abstracts and keep the announce type.'

    def handle(self, *args: Any, **options: Any) -> None:
        changed = clean_stored()
        self.stdout.write(f"Cleaned {counted(changed, 'entry', 'entries')}.")
