"""What a bulk triage action tells the editor: the same words from the entry list and the story actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import ngettext

from curator.editions.actions.triage import TriageResult
from curator.lib.plural import counted


def tell_triaged(request: HttpRequest, result: TriageResult, status: str) -> None:
    messages.success(request, f"{counted(result.changed, 'entry', 'entries')} marked {status}.")
    if result.skipped_picked:
        left = ngettext(
            "%(n)d picked entry left as it is: remove it from its issue first.",
            "%(n)d picked entries left as they are: remove them from their issue first.",
            result.skipped_picked,
        ) % {"n": result.skipped_picked}
        messages.warning(request, left)
