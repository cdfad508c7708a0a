"""The entry page's and the desk's "have we covered this?" part, composed into EntryAdmin by curator/admin.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from curator.search.covered import close_picks
from curator.search.models import Topic
from curator.search.topics import suggest

if TYPE_CHECKING:
    # Composed onto the entry admin (with the desk) in curator/admin.py.
    from curator.editions.desk_admin import DeskEntryAdminMixin as _EntryAdminBase
else:
    _EntryAdminBase = object


class CoveredEntryAdminMixin(_EntryAdminBase):
    """Adds `covered` (past picks close in meaning) to the entry page and to each desk panel."""

    covered_change_form_template = "admin/search/entry/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        entry_id = int(object_id) if str(object_id).isdigit() else 0
        covered = close_picks([entry_id]).get(entry_id, []) if entry_id else []
        suggested = suggest(entry_id) if entry_id else []
        extra = {**(extra_context or {}), "covered": covered, "suggested_topics": suggested}
        return super().change_view(request, object_id, form_url, extra)

    def _detail_context(self, request: HttpRequest, entry_id: int) -> dict[str, Any]:
        context = super()._detail_context(request, entry_id)
        context["covered"] = close_picks([entry_id]).get(entry_id, [])
        return context


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    """Topics and what carries them; the entry page suggests topics from the nearest tagged picks."""

    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ["picks", "entries"]  # ids: thousands of picks and entries would not fit a list
