"""The issue page warns when two of its picks are the same story (a paper and a post about it, say)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse

from curator.editions.models import Issue, Pick
from curator.ids import parse_id
from curator.ranking.stories import shared_stories


def story_warnings(issue_id: int) -> list[str]:
    """One sentence per group of picks in this issue that share a story."""
    picks = {
        pick.entry_id: pick
        for pick in Pick.objects.filter(issue_id=issue_id, entry__isnull=False)
        if pick.entry_id is not None
    }
    return [
        "These picks are one story: " + ", ".join(f"“{picks[entry_id].title}”" for entry_id in group) + "."
        for group in shared_stories(picks)
    ]


if TYPE_CHECKING:
    _IssueAdminBase = admin.ModelAdmin[Issue]  # composed onto the issue admin
else:
    _IssueAdminBase = object


class StoryWarningIssueAdminMixin(_IssueAdminBase):
    """Shows story_warnings() as messages when the issue page is opened."""

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None) -> HttpResponse:
        issue_id = parse_id(object_id)
        if request.method == "GET" and issue_id is not None:
            for warning in story_warnings(issue_id):
                self.message_user(request, warning, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)
