"""The entry page's and the desk's "have we covered this?" part, composed into EntryAdmin by curator/admin.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from curator.search.covered import close_picks


class CoveredEntryAdminMixin:
    """Adds `covered` (past picks close in meaning) to the entry page and to each desk panel."""

    covered_change_form_template = "admin/search/entry/change_form.html"

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        covered = close_picks([int(object_id)]).get(int(object_id), []) if str(object_id).isdigit() else []
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "covered": covered})

    def _detail_context(self, request: HttpRequest, entry_id: int) -> dict[str, Any]:
        context = super()._detail_context(request, entry_id)
        context["covered"] = close_picks([entry_id]).get(entry_id, [])
        return context
