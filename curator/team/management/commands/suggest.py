"""`manage.py suggest URL --by USERNAME [--note TEXT]`: the suggest box, from a shell or a script."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from curator.team.suggestions import SuggestionRefused, suggest


class Command(BaseCommand):
    help = "Suggest a link, arXiv id or DOI to the team, as the given member."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="a web address, an arXiv id (2003.12635) or a DOI (10.1000/xyz)")
        parser.add_argument("--by", required=True, help="the username of the member who suggests it")
        parser.add_argument("--note", default="", help="why the team should read it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"No member called {options['by']!r}.")
        try:
            entry = suggest(options["url"], user, options["note"])
        except SuggestionRefused as exc:
            raise CommandError(str(exc)) from None
        mark = entry.team_suggestions.get(user=user)
        if mark.fetch_error:
            self.stdout.write(
                self.style.WARNING(f"Suggested entry {entry.pk}, but could not fetch: {mark.fetch_error}")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Suggested entry {entry.pk}: {entry.title}"))
